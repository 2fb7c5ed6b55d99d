package io.warren.cdi.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;

import java.util.logging.Logger;

/**
 * Adds Warren's readiness check as a bean only where MicroProfile Health is present, so that
 * applications without it need no MicroProfile dependency. The check's class implements
 * MicroProfile's {@code HealthCheck}: loading it without that interface fails, so it carries no
 * bean-defining annotation (bean discovery never loads it) and this extension, which names it only
 * as a string, adds it after finding the interface.
 */
public class HealthExtension implements Extension {

    static final String HEALTH_CHECK = "org.eclipse.microprofile.health.HealthCheck";
    static final String READINESS = "io.warren.cdi.health.WarrenReadiness";
    private static final Logger LOG = Logger.getLogger(HealthExtension.class.getName());

    void addReadinessCheck(@Observes BeforeBeanDiscovery discovery) {
        ClassLoader loader = HealthExtension.class.getClassLoader();
        Class<?> check;
        try {
            Class.forName(HEALTH_CHECK, false, loader);
            check = Class.forName(READINESS, false, loader);
        } catch (ClassNotFoundException | LinkageError absent) {
            LOG.fine("MicroProfile Health is not available to this application: no Warren readiness check");
            return;
        }
        discovery.addAnnotatedType(check, READINESS).add(ApplicationScoped.Literal.INSTANCE);
    }
}
