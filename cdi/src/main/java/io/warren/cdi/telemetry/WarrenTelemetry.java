package io.warren.cdi.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Hands the application's {@link OpenTelemetry} (the one its server gives it through CDI) to every
 * deployed Warren adapter, which then records the application's publishes and its MDBs'
 * deliveries as spans with it (docs/tracing.md), and shows Warren's MBeans as OpenTelemetry
 * metrics ({@link WarrenInstruments}, docs/monitoring.md). Through JMX, as this jar shares no
 * classes with the adapter: each adapter registers {@code io.warren:type=Telemetry}; one deployed
 * after the application is found by the MBean server's notification.
 */
public class WarrenTelemetry {

    private static final Logger LOG = Logger.getLogger(WarrenTelemetry.class.getName());
    private static final String[] REGISTER = {Object.class.getName(), ClassLoader.class.getName()};
    private static final String[] UNREGISTER = {ClassLoader.class.getName()};

    @Inject
    Instance<OpenTelemetry> openTelemetries;

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final NotificationListener listener = this::adapterStarted;
    private final Set<ClassLoader> loaders = new LinkedHashSet<>();
    private OpenTelemetry openTelemetry;
    private WarrenInstruments instruments;

    /** Makes the bean start with the application rather than at its first use. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        LOG.log(Level.FINE, "Warren's telemetry for this application: {0}", openTelemetry);
    }

    @PostConstruct
    void register() {
        if (!openTelemetries.isResolvable()) {
            LOG.fine("The server gives this application no OpenTelemetry bean: Warren records nothing for it");
            return;
        }
        openTelemetry = resolved(openTelemetries.get());
        loaders.add(Thread.currentThread().getContextClassLoader());
        loaders.add(WarrenTelemetry.class.getClassLoader());
        loaders.remove(null);
        try {
            server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, null, null);
            for (ObjectName adapter : server.queryNames(new ObjectName("io.warren:type=Telemetry,*"), null)) {
                register(adapter);
            }
        } catch (JMException e) {
            LOG.log(Level.WARNING, "Cannot hand this application's OpenTelemetry to Warren: {0}", e.toString());
        }
        instruments = new WarrenInstruments(openTelemetry.getMeter(WarrenInstruments.SCOPE));
    }

    @PreDestroy
    void unregister() {
        if (openTelemetry == null) {
            return;
        }
        instruments.close();
        try {
            server.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener);
            for (ObjectName adapter : server.queryNames(new ObjectName("io.warren:type=Telemetry,*"), null)) {
                for (ClassLoader loader : loaders) {
                    server.invoke(adapter, "unregister", new Object[] {loader}, UNREGISTER);
                }
            }
        } catch (JMException e) {
            LOG.log(Level.FINE, "Warren's adapters went before the application: {0}", e.toString());
        }
    }

    /**
     * The bean may be a client proxy whose instance is made at its first call, for the application
     * that is running then (Payara finds it by the current invocation): made here, in the
     * application's start-up, rather than on the adapter's delivery thread, where no application runs.
     */
    private static OpenTelemetry resolved(OpenTelemetry bean) {
        return new Resolved(bean.getTracerProvider(), bean.getMeterProvider(), bean.getPropagators());
    }

    /** The parts of the application's OpenTelemetry that Warren uses. */
    private record Resolved(TracerProvider tracers, MeterProvider meters, ContextPropagators propagators)
            implements OpenTelemetry {

        @Override
        public TracerProvider getTracerProvider() {
            return tracers;
        }

        @Override
        public MeterProvider getMeterProvider() {
            return meters;
        }

        @Override
        public ContextPropagators getPropagators() {
            return propagators;
        }
    }

    private void adapterStarted(Notification notification, Object handback) {
        if (notification instanceof MBeanServerNotification change
                && MBeanServerNotification.REGISTRATION_NOTIFICATION.equals(change.getType())
                && "io.warren".equals(change.getMBeanName().getDomain())
                && "Telemetry".equals(change.getMBeanName().getKeyProperty("type"))) {
            register(change.getMBeanName());
        }
    }

    private void register(ObjectName adapter) {
        try {
            for (ClassLoader loader : loaders) {
                String refused = (String) server.invoke(adapter, "register", new Object[] {openTelemetry, loader}, REGISTER);
                if (!refused.isEmpty()) {
                    LOG.warning(() -> "Warren (" + adapter + ") records no spans with this application's OpenTelemetry: "
                            + refused);
                    return;
                }
            }
            LOG.fine(() -> "Warren (" + adapter + ") records this application's spans with its OpenTelemetry");
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot hand this application's OpenTelemetry to Warren ({0}): {1}",
                    new Object[] {adapter, e.toString()});
        }
    }
}
