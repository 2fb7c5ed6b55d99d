package io.warren.rar.metrics;

import io.warren.rar.harness.Broker;

import javax.management.JMX;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads Warren's MBeans from the platform MBean server as a JMX client would, and drops broker connections. */
final class Mbeans {

    private Mbeans() {
    }

    static Set<ObjectName> named(String pattern) {
        try {
            return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName(pattern), null);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(pattern, e);
        }
    }

    static Set<ObjectName> activationsOf(String queue) {
        return named("io.warren:type=Activation,queue=" + queue + ",*");
    }

    /** @return the one activation MBean of the queue, as a proxy */
    static ActivationMXBean activation(String queue) {
        Set<ObjectName> names = activationsOf(queue);
        if (names.size() != 1) {
            throw new AssertionError("one activation MBean for " + queue + " expected, found " + names);
        }
        return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), names.iterator().next(),
                ActivationMXBean.class);
    }

    static ConnectionFactoryMXBean factory(String connectionName) {
        Set<ObjectName> names = named("io.warren:type=ConnectionFactory,name=" + connectionName);
        if (names.size() != 1) {
            throw new AssertionError("one factory MBean named " + connectionName + " expected, found " + names);
        }
        return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), names.iterator().next(),
                ConnectionFactoryMXBean.class);
    }

    /** Closes, on the broker, every connection whose name contains the text. @return how many */
    static int closeConnectionsNamed(String text) {
        // the plain listing names each process as rabbitmqctl takes it back (<rabbit@host.N.N.N>); the JSON one does not
        List<String> pids = new ArrayList<>();
        for (String line : Broker.rabbitmqctl("list_connections", "pid", "client_properties").split("\n")) {
            if (line.startsWith("<") && line.contains(text)) {
                pids.add(line.substring(0, line.indexOf('>') + 1));
            }
        }
        pids.forEach(pid -> Broker.rabbitmqctl("close_connection", pid, "closed by a Warren metrics test"));
        return pids.size();
    }
}
