package io.warren.it.telemetry;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** TelemetryTest's application: its REST resources under /rest. */
@ApplicationPath("rest")
public class TelemetryApplication extends Application {
}
