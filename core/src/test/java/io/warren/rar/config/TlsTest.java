package io.warren.rar.config;

import io.warren.Connection;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.testnode.SecondNode;
import io.warren.rar.harness.SharedNode;
import io.warren.rar.inbound.WarrenActivationSpec;
import io.warren.rar.outbound.WarrenManagedConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS against a real broker: a second RabbitMQ node that listens on TLS, with a certificate
 * for {@code localhost} from a CA of the test's own, trusted through Warren's trust store settings.
 */
@ExtendWith(SharedNode.class)
@ResourceLock(value = SharedNode.LOCK, mode = ResourceAccessMode.READ)
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class TlsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final SecondNode tls;
    private final List<Harness> harnesses = new CopyOnWriteArrayList<>();
    private final String queue = "warren.test.tls." + UUID.randomUUID().toString().substring(0, 8);

    TlsTest(SecondNode tls) {
        this.tls = tls;
    }

    @AfterEach
    void closeHarnesses() {
        harnesses.forEach(Harness::close);
    }

    private Harness harness(Consumer<WarrenManagedConnectionFactory> configure) {
        Harness harness = new Harness(2, managed -> {
            managed.setHost("localhost");
            managed.setPort(tls.tlsPort());
            managed.setTls(true);
            managed.setConnectionTimeoutMillis(5_000);
            configure.accept(managed);
        });
        harnesses.add(harness);
        return harness;
    }

    private Harness trusting(String type) {
        return harness(managed -> {
            managed.setTrustStore(("JKS".equals(type) ? tls.jksTrustStore() : tls.trustStore()).toString());
            managed.setTrustStorePassword(tls.trustStorePassword());
            managed.setTrustStoreType(type);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"PKCS12", "JKS"})
    void publishesAndFetchesOverTlsWithTheConfiguredTrustStore(String trustStoreType) throws Exception {
        Harness harness = trusting(trustStoreType);
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).durable(false).autoDelete(false).build());
            try {
                harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build())
                        .publish(OutgoingMessage.of("over TLS").build());
                Optional<Message> fetched = connection.fetch(queue);
                assertTrue(fetched.isPresent(), "the message came back over TLS");
                assertEquals("over TLS", fetched.get().payload(String.class));
                fetched.get().ack();
            } finally {
                connection.deleteQueue(queue);
            }
        }
        List<String> connections = tls.connections("ssl", "ssl_protocol", "client_properties");
        assertTrue(connections.stream().anyMatch(line -> line.startsWith("true\ttlsv1.")
                        && line.contains(harness.connectionName())),
                "the broker sees the adapter's connection as TLS: " + connections);
    }

    @Test
    void aCertificateOutsideTheTrustStoreIsRefusedWithAClearError() {
        // no trust store: the JVM's default trust, which does not know the test's CA
        Harness harness = harness(managed -> { });
        WarrenException refused = assertThrows(WarrenException.class, () -> harness.factory().getConnection());
        String message = refused.getMessage();
        assertTrue(message.contains("TLS handshake with [localhost:" + tls.tlsPort() + "]")
                && message.contains("not signed by a CA") && message.contains("set trustStore"),
                "names TLS, the host and the property that would fix it: " + message);
        assertFalse(message.contains(tls.trustStorePassword()));
    }

    @Test
    void aTrustStoreThatCannotBeOpenedIsNamedWithoutItsPassword() {
        String wrongPassword = "not-the-" + tls.trustStorePassword();
        Harness harness = harness(managed -> {
            managed.setTrustStore(tls.trustStore().toString());
            managed.setTrustStorePassword(wrongPassword);
        });
        WarrenException refused = assertThrows(WarrenException.class, () -> harness.factory().getConnection());
        String message = refused.getMessage();
        assertTrue(message.contains("trustStore: cannot load '" + tls.trustStore() + "' as PKCS12"), message);
        assertFalse(message.contains(wrongPassword), "the password stays out of the message: " + message);
    }

    @Test
    void theBrokersHostNameIsVerified() {
        // the certificate names localhost; 127.0.0.1 is the same broker under a name it does not carry
        Harness harness = harness(managed -> {
            managed.setHost("127.0.0.1");
            managed.setTrustStore(tls.trustStore().toString());
            managed.setTrustStorePassword(tls.trustStorePassword());
        });
        WarrenException refused = assertThrows(WarrenException.class, () -> harness.factory().getConnection());
        String message = refused.getMessage();
        assertTrue(message.contains("TLS handshake with [127.0.0.1:" + tls.tlsPort() + "]")
                && message.contains("does not carry the host name"), message);
    }

    @Test
    void trustAllConnectsOnlyWhenAskedFor() {
        Harness harness = harness(managed -> {
            managed.setHost("127.0.0.1");
            managed.setTlsTrustAll(true);
        });
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).durable(false).build());
            connection.deleteQueue(queue);
        }
    }

    @Test
    void anMdbConsumesOverTlsWithItsOwnConnectionSettings() throws Exception {
        Harness harness = trusting("PKCS12");
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> received.add(message.payload(String.class)));
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setDurable("false");
        spec.setConcurrency("1");
        // the adapter itself points at the plain main node: the activation's settings take over
        spec.setHost("localhost");
        spec.setPort(tls.tlsPort());
        spec.setTls(true);
        spec.setTrustStore(tls.trustStore().toString());
        spec.setTrustStorePassword(tls.trustStorePassword());
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build()).publish("to the MDB");
            Broker.await("the delivery over TLS", WAIT, () -> received.size() == 1);
        } finally {
            try (Connection connection = harness.factory().getConnection()) {
                connection.deleteQueue(queue);
            }
        }
        assertEquals(List.of("to the MDB"), received);
    }
}
