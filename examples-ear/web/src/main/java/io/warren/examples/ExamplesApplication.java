package io.warren.examples;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Serves {@link ExamplesResource} under {@code /warren-examples/examples}. */
@ApplicationPath("examples")
public class ExamplesApplication extends Application {
}
