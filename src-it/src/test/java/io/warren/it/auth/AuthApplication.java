package io.warren.it.auth;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Serves {@link AuthResource} under /rest, as the other test application does. */
@ApplicationPath("rest")
public class AuthApplication extends Application {
}
