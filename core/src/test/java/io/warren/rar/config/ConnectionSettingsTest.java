package io.warren.rar.config;

import io.warren.rar.WarrenResourceAdapter;
import io.warren.rar.harness.Broker;
import io.warren.rar.outbound.WarrenManagedConnectionFactory;
import jakarta.resource.spi.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class ConnectionSettingsTest {

    @Test
    void defaultsAreDocumentedValues() {
        ConnectionSettings settings = ConnectionSettings.of(Map.of());
        assertEquals("localhost:5672", settings.addresses().get(0).toString());
        assertEquals("/", settings.virtualHost());
        assertEquals("guest", settings.user());
        assertEquals(60, settings.heartbeatSeconds());
        assertEquals(10_000, settings.connectionTimeoutMillis());
        assertEquals("warren", settings.connectionName());
        assertFalse(settings.tls());
        assertTrue(settings.problems().isEmpty());
    }

    @Test
    void factoryPropertiesOverrideTheAdapters() {
        WarrenResourceAdapter adapter = new WarrenResourceAdapter();
        adapter.setHost("rabbit.internal");
        adapter.setVirtualHost("shop");
        adapter.setUser("app");
        WarrenManagedConnectionFactory factory = new WarrenManagedConnectionFactory();
        factory.setVirtualHost("billing");
        ConnectionSettings settings = factory.connectionSettings(adapter);
        assertEquals("rabbit.internal:5672", settings.addresses().get(0).toString());
        assertEquals("billing", settings.virtualHost());
        assertEquals("app", settings.user());
    }

    @Test
    void uriGivesUserPasswordHostPortVhostAndTls() {
        Map<BrokerProperty, String> values = new EnumMap<>(BrokerProperty.class);
        values.put(BrokerProperty.URI, "amqps://bob:s%40cret@mq.example:5673/prod%2Feu");
        ConnectionSettings settings = ConnectionSettings.of(values);
        assertEquals("bob", settings.user());
        assertEquals("s@cret", settings.password());
        assertEquals("mq.example:5673", settings.addresses().get(0).toString());
        assertEquals("prod/eu", settings.virtualHost());
        assertTrue(settings.tls());
        assertFalse(settings.toString().contains("s%40cret"), settings.toString());
        assertTrue(settings.toString().contains("bob:****@"), settings.toString());
    }

    @Test
    void aRawAtInThePasswordIsRefusedAskingForPercentEncodingAndNeverFallsBackToLocalhost() {
        Map<BrokerProperty, String> values = new EnumMap<>(BrokerProperty.class);
        values.put(BrokerProperty.URI, "amqp://bob:pa@ss@mq.example:5673/prod");
        ConnectionSettings settings = ConnectionSettings.of(values);
        String problems = settings.problems().toString();
        assertTrue(problems.contains("uri:") && problems.contains("%40"), problems);
        assertFalse(problems.contains("pa@ss") || problems.contains("ss@"), problems);
        assertTrue(settings.addresses().stream().noneMatch(address -> address.getHost().equals("localhost")),
                settings.addresses().toString());
        assertFalse(settings.toString().contains("ss@"), settings.toString());
    }

    @Test
    void theUriIsConfidentialToTheServer() throws NoSuchMethodException {
        ConfigProperty uri = WarrenManagedConnectionFactory.class.getMethod("setUri", String.class)
                .getAnnotation(ConfigProperty.class);
        assertTrue(uri.confidential(), "the uri may carry the password");
        assertTrue(ConnectionSettings.of(Map.of(BrokerProperty.URI, "amqp://bob:hunter5@mq.example/vh")).toString()
                .contains("amqp://bob:****@mq.example/vh"));
    }

    @Test
    void addressListAndTlsDefaultPort() {
        Map<BrokerProperty, String> values = new EnumMap<>(BrokerProperty.class);
        values.put(BrokerProperty.ADDRESSES, "node1:5671, node2");
        values.put(BrokerProperty.TLS, "true");
        ConnectionSettings settings = ConnectionSettings.of(values);
        assertEquals(2, settings.addresses().size());
        assertEquals("node2:5671", settings.addresses().get(1).toString());
    }

    @Test
    void everyBadValueIsReportedAtOnceWithItsName() {
        Map<BrokerProperty, String> values = new EnumMap<>(BrokerProperty.class);
        values.put(BrokerProperty.ADDRESSES, "node1:abc");
        values.put(BrokerProperty.HEARTBEAT_SECONDS, "-1");
        values.put(BrokerProperty.TLS, "yes");
        ConnectionSettings settings = ConnectionSettings.of(values);
        assertEquals(3, settings.problems().size(), settings.problems().toString());
        assertTrue(settings.problems().get(0).startsWith("tls:") || settings.problems().toString().contains("tls:"));
        assertTrue(settings.problems().toString().contains("addresses: 'node1:abc'"));
        assertTrue(settings.problems().toString().contains("heartbeatSeconds: '-1'"));
    }

    @Test
    void passwordsNeverAppearInToString() {
        WarrenResourceAdapter adapter = new WarrenResourceAdapter();
        adapter.setPassword("hunter2");
        adapter.setTrustStorePassword("changeit");
        WarrenManagedConnectionFactory factory = new WarrenManagedConnectionFactory();
        factory.setPassword("hunter3");
        factory.setUri("amqp://user:hunter4@host/vh");
        for (String text : new String[] {adapter.toString(), factory.toString(),
                factory.connectionSettings(adapter).toString()}) {
            assertFalse(text.contains("hunter") || text.contains("changeit"), text);
        }
    }

    @Test
    void equalityFollowsTheConfiguration() {
        WarrenManagedConnectionFactory one = new WarrenManagedConnectionFactory();
        WarrenManagedConnectionFactory two = new WarrenManagedConnectionFactory();
        one.setHost("a");
        two.setHost("a");
        assertEquals(one, two);
        assertEquals(one.hashCode(), two.hashCode());
        two.setVirtualHost("other");
        assertNotEquals(one, two);
    }

    @Test
    void propertyNamesAreJavaBeanNames() {
        assertEquals("virtualHost", BrokerProperty.VIRTUAL_HOST.propertyName());
        assertEquals("tlsTrustAll", BrokerProperty.TLS_TRUST_ALL.propertyName());
    }
}
