package io.warren.cdi.health;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.JMException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The readiness check's reading of Warren's MBeans, with stand-ins registered under Warren's names
 * and attributes (the adapter's own MBeans are tested in rar and, with this check, in src-it).
 */
public class WarrenStatusTest {

    private final List<ObjectName> registered = new ArrayList<>();

    /** An activation's MBean as the check reads it. */
    public interface ActivationStandInMXBean {
        String getMessageDrivenBean();

        String getQueues();

        int getEndpointClassLoaderId();

        int getConsumersConfigured();

        int getConsumersConnected();

        boolean isConnected();

        String getLastFailure();
    }

    /** A connection factory's MBean as the check reads it. */
    public interface FactoryStandInMXBean {
        String checkBroker();
    }

    public record Activation(String getMessageDrivenBean, String getQueues, int getEndpointClassLoaderId,
                      int getConsumersConfigured, int getConsumersConnected, boolean isConnected,
                      String getLastFailure) implements ActivationStandInMXBean {
    }

    public record Factory(String checkBroker) implements FactoryStandInMXBean {
    }

    /** An MDB class of this test's application. */
    static final class OrdersMdb {
    }

    @AfterEach
    void unregister() throws JMException {
        for (ObjectName name : registered) {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        }
    }

    private void register(String name, Object mbean) throws JMException {
        ObjectName objectName = new ObjectName(name);
        ManagementFactory.getPlatformMBeanServer().registerMBean(mbean, objectName);
        registered.add(objectName);
    }

    private static int loaderId(Class<?> type) {
        return System.identityHashCode(type.getClassLoader());
    }

    private static List<WarrenStatus.Item> status() {
        return new WarrenStatus(List.of(WarrenStatusTest.class.getClassLoader())).items();
    }

    @Test
    void anMdbOfTheApplicationWithAllItsConsumersIsUp() throws JMException {
        register("io.warren:type=Activation,name=orders,queue=orders", new Activation(OrdersMdb.class.getName(),
                "orders", loaderId(OrdersMdb.class), 2, 2, true, ""));
        register("io.warren:type=ConnectionFactory,name=warren", new Factory(""));
        List<WarrenStatus.Item> items = status();
        assertEquals(2, items.size(), items.toString());
        assertTrue(items.stream().allMatch(WarrenStatus.Item::up), items.toString());
        assertEquals("2 of 2 consumers", items.get(0).state());
    }

    @Test
    void missingConsumersAndAnUnreachableBrokerAreDownWithTheReason() throws JMException {
        register("io.warren:type=Activation,name=orders,queue=orders", new Activation(OrdersMdb.class.getName(),
                "orders", loaderId(OrdersMdb.class), 2, 0, false, "Connection refused"));
        register("io.warren:type=ConnectionFactory,name=warren", new Factory("cannot reach the broker"));
        List<WarrenStatus.Item> items = status();
        assertFalse(items.get(0).up());
        assertEquals("activation " + OrdersMdb.class.getName() + " on orders", items.get(0).name());
        assertEquals("0 of 2 consumers; not connected to the broker: Connection refused", items.get(0).state());
        assertEquals(new WarrenStatus.Item("connection factory warren", "cannot reach the broker", false),
                items.get(1));
    }

    @Test
    void anotherApplicationsMdbIsNotLookedAt() throws Exception {
        try (URLClassLoader other = new URLClassLoader(new URL[0], null)) {
            // same class name, another class loader: not this application's MDB
            register("io.warren:type=Activation,name=orders,queue=orders", new Activation(OrdersMdb.class.getName(),
                    "orders", System.identityHashCode(other), 2, 0, false, ""));
            register("io.warren:type=Activation,name=unknown,queue=other", new Activation("com.example.Unknown",
                    "other", 1, 2, 0, false, ""));
            assertTrue(status().isEmpty(), status().toString());
        }
    }
}
