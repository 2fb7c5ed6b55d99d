package io.warren.cdi.health;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of Warren's activations and connection factories as their MBeans show it (see
 * docs/monitoring.md), through plain JMX: this jar shares no classes with the adapter's. The
 * activations are those of the application: the MBean names the MDB's class and its class
 * loader's identity, which must be the class the application's class loaders load by that name.
 * Connection factories are every one of the server that holds, or lost, a broker connection: the
 * adapter does not know which application uses one.
 */
final class WarrenStatus {

    /** One activation or factory: its name in the health data, its state, and whether that is fine. */
    record Item(String name, String state, boolean up) {
    }

    private final List<ClassLoader> applicationLoaders;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    WarrenStatus(List<ClassLoader> applicationLoaders) {
        this.applicationLoaders = applicationLoaders;
    }

    List<Item> items() {
        List<Item> items = new ArrayList<>();
        try {
            for (ObjectName name : server.queryNames(new ObjectName("io.warren:type=Activation,*"), null)) {
                activation(name, items);
            }
            for (ObjectName name : server.queryNames(new ObjectName("io.warren:type=ConnectionFactory,*"), null)) {
                factory(name, items);
            }
        } catch (JMException e) {
            items.add(new Item("warren", "cannot read Warren's MBeans: " + e, false));
        }
        return items;
    }

    private void activation(ObjectName name, List<Item> items) throws JMException {
        String mdb;
        try {
            mdb = (String) server.getAttribute(name, "MessageDrivenBean");
            if (!ofThisApplication(mdb, (Integer) server.getAttribute(name, "EndpointClassLoaderId"))) {
                return;
            }
        } catch (javax.management.InstanceNotFoundException undeployed) {
            return;
        }
        int configured = (Integer) server.getAttribute(name, "ConsumersConfigured");
        int connected = (Integer) server.getAttribute(name, "ConsumersConnected");
        String queues = (String) server.getAttribute(name, "Queues");
        String key = "activation " + mdb + " on " + queues;
        if (connected >= configured) {
            items.add(new Item(key, connected + " of " + configured + " consumers", true));
            return;
        }
        String failure = (String) server.getAttribute(name, "LastFailure");
        boolean linked = (Boolean) server.getAttribute(name, "Connected");
        items.add(new Item(key, connected + " of " + configured + " consumers; "
                + (linked ? "connected to the broker" : "not connected to the broker")
                + (failure.isEmpty() ? "" : ": " + failure), false));
    }

    private void factory(ObjectName name, List<Item> items) throws JMException {
        String problem;
        try {
            problem = (String) server.invoke(name, "checkBroker", null, null);
        } catch (javax.management.InstanceNotFoundException closed) {
            return;
        }
        String key = "connection factory " + name.getKeyProperty("name")
                + (name.getKeyProperty("instance") == null ? "" : " #" + name.getKeyProperty("instance"));
        items.add(problem.isEmpty() ? new Item(key, "connected", true) : new Item(key, problem, false));
    }

    private boolean ofThisApplication(String mdbClass, int loaderId) {
        for (ClassLoader loader : applicationLoaders) {
            try {
                Class<?> loaded = Class.forName(mdbClass, false, loader);
                if (loaderId == 0 || System.identityHashCode(loaded.getClassLoader()) == loaderId) {
                    return true;
                }
            } catch (ClassNotFoundException | LinkageError notOurs) {
                // not an MDB this class loader sees
            }
        }
        return false;
    }
}
