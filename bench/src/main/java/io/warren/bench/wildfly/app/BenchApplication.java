package io.warren.bench.wildfly.app;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The bench application deployed into WildFly: never loaded by the bench's own JVM, which only
 * packs these classes into a WAR (see {@link io.warren.bench.WildFlyClient}).
 */
@ApplicationPath("bench")
public class BenchApplication extends Application {
}
