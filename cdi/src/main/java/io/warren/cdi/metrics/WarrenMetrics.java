package io.warren.cdi.metrics;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Shows Warren's MBeans (docs/monitoring.md) in the application's MicroProfile Metrics registry,
 * so that the server's {@code /metrics} serves them: one gauge per numeric or boolean attribute,
 * named {@code warren.activation.<attribute>} or {@code warren.connection_factory.<attribute>}
 * and tagged with the MBean's key properties. Gauges read the MBean when scraped; they follow the
 * MBeans as activations and factories come and go, and all of them go with the application.
 */
public class WarrenMetrics {

    private static final Logger LOG = Logger.getLogger(WarrenMetrics.class.getName());
    private static final String DOMAIN = "io.warren";

    @Inject
    MetricRegistry registry;

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final Map<ObjectName, List<MetricID>> registered = new ConcurrentHashMap<>();
    private final NotificationListener listener = this::mbeanRegistrationChanged;

    /** Makes the bean start with the application rather than at its first use. */
    void start(@Observes @Initialized(ApplicationScoped.class) Object application) {
        LOG.log(Level.FINE, "Warren's MBeans are in MicroProfile Metrics: {0} so far", registered.size());
    }

    @PostConstruct
    void watch() {
        try {
            server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, null, null);
            for (ObjectName name : server.queryNames(new ObjectName(DOMAIN + ":*"), null)) {
                add(name);
            }
        } catch (JMException e) {
            LOG.log(Level.WARNING, "Cannot show Warren's MBeans in MicroProfile Metrics: {0}", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        try {
            server.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener);
        } catch (JMException e) {
            // never added
        }
        registered.keySet().forEach(this::remove);
    }

    private void mbeanRegistrationChanged(Notification notification, Object handback) {
        if (notification instanceof MBeanServerNotification change
                && DOMAIN.equals(change.getMBeanName().getDomain())) {
            if (MBeanServerNotification.REGISTRATION_NOTIFICATION.equals(change.getType())) {
                add(change.getMBeanName());
            } else if (MBeanServerNotification.UNREGISTRATION_NOTIFICATION.equals(change.getType())) {
                remove(change.getMBeanName());
            }
        }
    }

    private void add(ObjectName name) {
        String type = name.getKeyProperty("type");
        if (type == null || registered.containsKey(name)) {
            return;
        }
        List<MetricID> ids = new ArrayList<>();
        try {
            Tag[] tags = tags(name);
            for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                if (!isNumber(attribute.getType())) {
                    continue;
                }
                String metric = "warren." + snake(type) + "." + snake(attribute.getName());
                registry.gauge(metric, name, mbean -> read(mbean, attribute.getName()), tags);
                ids.add(new MetricID(metric, tags));
            }
        } catch (InstanceNotFoundException gone) {
            // unregistered meanwhile
        } catch (JMException | IllegalArgumentException e) {
            // another application that bundles warren-cdi may show the same MBean in a shared registry
            LOG.log(Level.FINE, "Not showing {0} in MicroProfile Metrics: {1}", new Object[] {name, e.toString()});
        }
        registered.put(name, ids);
    }

    private void remove(ObjectName name) {
        List<MetricID> ids = registered.remove(name);
        if (ids != null) {
            ids.forEach(registry::remove);
        }
    }

    private Number read(ObjectName name, String attribute) {
        try {
            Object value = server.getAttribute(name, attribute);
            return value instanceof Boolean flag ? (flag ? 1 : 0) : (Number) value;
        } catch (JMException | RuntimeException e) {
            return Double.NaN; // the MBean went between the scrape's listing and its reading
        }
    }

    private static Tag[] tags(ObjectName name) {
        List<Tag> tags = new ArrayList<>();
        name.getKeyPropertyList().forEach((key, value) -> {
            if (!"type".equals(key)) {
                tags.add(new Tag(key, value.startsWith("\"") ? ObjectName.unquote(value) : value));
            }
        });
        return tags.toArray(Tag[]::new);
    }

    private static boolean isNumber(String type) {
        return switch (type) {
            case "long", "int", "double", "boolean", "java.lang.Long", "java.lang.Integer", "java.lang.Double",
                    "java.lang.Boolean" -> true;
            default -> false;
        };
    }

    /** {@code ConnectionFactory} becomes {@code connection_factory}, {@code OnMessageCount} {@code on_message_count}. */
    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
