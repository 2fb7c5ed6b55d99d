package io.warren.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;

import java.util.logging.Logger;

/**
 * Adds the beans of warren-cdi that need an API the server may not provide, each only where that
 * API is present, so that applications without it need none of it: the readiness check
 * (MicroProfile Health), the MicroProfile Metrics bridge, and the hand-over of the application's
 * OpenTelemetry to Warren. Such a bean's class refers to its API: loading it without the API
 * fails, so it carries no bean-defining annotation (bean discovery never loads it) and is named
 * here only as a string. A CDI extension of warren-cdi's; not an API of Warren's.
 */
public class OptionalBeans implements Extension {

    private static final Logger LOG = Logger.getLogger(OptionalBeans.class.getName());

    /** A bean, the class of the API it needs, and what the log says (FINE) without that API. */
    private record Needing(String bean, String api, String absent) {
    }

    private static final Needing[] BEANS = {
            new Needing("io.warren.cdi.health.WarrenReadiness", "org.eclipse.microprofile.health.HealthCheck",
                    "MicroProfile Health is not available to this application: no Warren readiness check"),
            new Needing("io.warren.cdi.metrics.WarrenMetrics", "org.eclipse.microprofile.metrics.MetricRegistry",
                    "MicroProfile Metrics is not available to this application: Warren's MBeans are not at /metrics"),
            new Needing("io.warren.cdi.telemetry.WarrenTelemetry", "io.opentelemetry.api.OpenTelemetry",
                    "OpenTelemetry is not available to this application: Warren records no spans or metrics with it")};

    void addPresent(@Observes BeforeBeanDiscovery discovery) {
        ClassLoader loader = OptionalBeans.class.getClassLoader();
        for (Needing optional : BEANS) {
            Class<?> found;
            try {
                Class.forName(optional.api(), false, loader);
                found = Class.forName(optional.bean(), false, loader);
            } catch (ClassNotFoundException | LinkageError missing) {
                LOG.fine(optional.absent());
                continue;
            }
            discovery.addAnnotatedType(found, optional.bean()).add(ApplicationScoped.Literal.INSTANCE);
        }
    }
}
