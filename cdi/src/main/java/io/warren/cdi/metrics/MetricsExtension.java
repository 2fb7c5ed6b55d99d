package io.warren.cdi.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;

import java.util.logging.Logger;

/**
 * Adds {@link WarrenMetrics} as a bean only where MicroProfile Metrics is present: the bridge's
 * class refers to MicroProfile's registry, so it carries no bean-defining annotation and is named
 * here only as a string, for applications without MicroProfile to need nothing of it.
 */
public class MetricsExtension implements Extension {

    static final String METRIC_REGISTRY = "org.eclipse.microprofile.metrics.MetricRegistry";
    static final String BRIDGE = "io.warren.cdi.metrics.WarrenMetrics";
    private static final Logger LOG = Logger.getLogger(MetricsExtension.class.getName());

    void addBridge(@Observes BeforeBeanDiscovery discovery) {
        ClassLoader loader = MetricsExtension.class.getClassLoader();
        Class<?> bridge;
        try {
            Class.forName(METRIC_REGISTRY, false, loader);
            bridge = Class.forName(BRIDGE, false, loader);
        } catch (ClassNotFoundException | LinkageError absent) {
            LOG.fine("MicroProfile Metrics is not available to this application: Warren's MBeans stay JMX only");
            return;
        }
        discovery.addAnnotatedType(bridge, BRIDGE).add(ApplicationScoped.Literal.INSTANCE);
    }
}
