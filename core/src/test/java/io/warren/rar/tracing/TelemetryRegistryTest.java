package io.warren.rar.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each deployed adapter keeps the applications' OpenTelemetry in a registry of its own, reached as
 * warren-cdi reaches it, through its {@code io.warren:type=Telemetry} MBean: the same RAR deployed
 * twice in one server (here two adapters in one class loader) must not share one.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class TelemetryRegistryTest {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private static final String[] REGISTER = {Object.class.getName(), ClassLoader.class.getName()};
    private static final String[] UNREGISTER = {ClassLoader.class.getName()};

    private static ObjectName telemetryOf(Harness harness) throws Exception {
        return new ObjectName("io.warren:type=Telemetry,name=" + harness.connectionName());
    }

    private static int applications(ObjectName adapter) throws Exception {
        return (Integer) SERVER.getAttribute(adapter, "Applications");
    }

    @Test
    void twoAdaptersInOneClassLoaderKeepTheirApplicationsApart() throws Exception {
        try (Harness first = new Harness(1); Harness second = new Harness(1);
             URLClassLoader application = new URLClassLoader(new URL[0], getClass().getClassLoader())) {
            ObjectName firstAdapter = telemetryOf(first);
            ObjectName secondAdapter = telemetryOf(second);
            Object registered = SERVER.invoke(firstAdapter, "register",
                    new Object[] {OpenTelemetry.noop(), application}, REGISTER);
            try {
                assertEquals("", registered);
                assertEquals(1, applications(firstAdapter));
                assertEquals(0, applications(secondAdapter), "registered with the first adapter only");
                assertEquals(1, first.adapter().tracing().applications().getApplications());
                assertEquals(0, second.adapter().tracing().applications().getApplications());
            } finally {
                SERVER.invoke(firstAdapter, "unregister", new Object[] {application}, UNREGISTER);
            }
            assertEquals(0, applications(firstAdapter));
        }
    }
}
