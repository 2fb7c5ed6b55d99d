package io.warren.rar.metrics;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanRegistrationException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.NotCompliantMBeanException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Registers Warren's MBeans on the platform MBean server under the domain {@value #DOMAIN}. A name
 * taken already (the same MDB and queue in a second application, or a second deployment of the
 * adapter) gets a key {@code instance=2}, 3 and so on, so that neither registration fails.
 * Monitoring never stops the adapter: a failure to register is logged, and the adapter runs on.
 */
public final class MBeans {

    public static final String DOMAIN = "io.warren";
    private static final Logger LOG = Logger.getLogger(MBeans.class.getName());
    /** Characters that ObjectName reserves in an unquoted value. */
    private static final Pattern RESERVED = Pattern.compile("[,=:\"*?\\n]");
    private static final int MAX_INSTANCES = 1_000;

    private MBeans() {
    }

    /** @return the name it was registered under, or null when it could not be */
    public static ObjectName register(List<String[]> keys, Object mbean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        StringBuilder base = new StringBuilder(DOMAIN).append(':');
        for (String[] key : keys) {
            if (base.charAt(base.length() - 1) != ':') {
                base.append(',');
            }
            base.append(key[0]).append('=').append(RESERVED.matcher(key[1]).replaceAll("_"));
        }
        try {
            for (int instance = 1; instance <= MAX_INSTANCES; instance++) {
                ObjectName name = new ObjectName(instance == 1 ? base.toString() : base + ",instance=" + instance);
                try {
                    server.registerMBean(mbean, name);
                    return name;
                } catch (InstanceAlreadyExistsException taken) {
                    // the next instance number
                }
            }
            LOG.warning(() -> "No MBean registered for " + base + ": " + MAX_INSTANCES + " instances of it exist");
        } catch (MalformedObjectNameException | MBeanRegistrationException | NotCompliantMBeanException
                 | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not register the MBean " + base + "; its metrics are not available over JMX",
                    e);
        }
        return null;
    }

    /** Unregisters what {@link #register} registered; null does nothing. */
    public static void unregister(ObjectName name) {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException | MBeanRegistrationException | RuntimeException e) {
            LOG.log(Level.FINE, "The MBean " + name + " was already gone", e);
        }
    }
}
