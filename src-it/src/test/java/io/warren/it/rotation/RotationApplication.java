package io.warren.it.rotation;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Serves {@link RotationResource} under /rest, as the other test applications do. */
@ApplicationPath("rest")
public class RotationApplication extends Application {
}
