package io.warren.it.app;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Serves {@link ItResource} under /rest. */
@ApplicationPath("rest")
public class ItApplication extends Application {
}
