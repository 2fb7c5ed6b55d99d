package io.warren.it.tracing;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Serves {@link TracingResource} under /rest. */
@ApplicationPath("rest")
public class TracingApplication extends Application {
}
