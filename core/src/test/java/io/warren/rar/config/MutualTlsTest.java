package io.warren.rar.config;

import io.warren.Connection;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.SharedNode;
import io.warren.testnode.SecondNode;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;
import io.warren.rar.outbound.WarrenManagedConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS against the {@link SharedNode}, which asks for client certificates and offers SASL
 * EXTERNAL ({@code rabbitmq_auth_mechanism_ssl}): the user is the certificate's CN, no password.
 */
@ExtendWith(SharedNode.class)
@ResourceLock(value = SharedNode.LOCK, mode = ResourceAccessMode.READ)
// the harness's adapter also points at the main broker: not while a test changes it
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class MutualTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String USER = "warren-client-" + UUID.randomUUID().toString().substring(0, 6);

    private static SecondNode node;
    private static Path certificate;

    private final List<Harness> harnesses = new CopyOnWriteArrayList<>();
    private final String queue = "warren.test.mtls." + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void addTheCertificatesUser(SecondNode shared) throws Exception {
        node = shared;
        // EXTERNAL signs on as an existing user: its password is never used
        node.rabbitmqctl("add_user", USER, UUID.randomUUID().toString());
        node.rabbitmqctl("set_permissions", "-p", "/", USER, ".*", ".*", ".*");
        certificate = node.clientCertificate(USER, true);
    }

    @AfterAll
    static void deleteTheCertificatesUser() throws Exception {
        if (certificate != null) {
            node.rabbitmqctl("delete_user", USER);
        }
    }

    @AfterEach
    void closeHarnesses() {
        harnesses.forEach(Harness::close);
    }

    private Harness harness(Path keyStore, Consumer<WarrenManagedConnectionFactory> configure) {
        Harness harness = new Harness(2, managed -> {
            managed.setHost("localhost");
            managed.setPort(node.tlsPort());
            managed.setTls(true);
            managed.setTrustStore(node.trustStore().toString());
            managed.setTrustStorePassword(node.trustStorePassword());
            managed.setKeyStore(keyStore.toString());
            managed.setKeyStorePassword(node.trustStorePassword());
            managed.setSaslMechanism("EXTERNAL");
            // no user or password: the certificate alone says who Warren is
            managed.setUser("nobody");
            managed.setPassword("not-used");
            managed.setConnectionTimeoutMillis(5_000);
            configure.accept(managed);
        });
        harnesses.add(harness);
        return harness;
    }

    @Test
    void theClientCertificateAloneSignsOnWithExternal() throws Exception {
        Harness harness = harness(certificate, managed -> managed.setKeyStoreAlias("client"));
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).durable(false).build());
            try {
                harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build())
                        .publish(OutgoingMessage.of("by certificate").build());
                Optional<Message> fetched = connection.fetch(queue);
                assertEquals("by certificate", fetched.orElseThrow().payload(String.class));
                fetched.get().ack();
            } finally {
                connection.deleteQueue(queue);
            }
        }
        List<String> connections = node.connections("user", "auth_mechanism", "client_properties");
        assertTrue(connections.stream().anyMatch(line -> line.startsWith(USER + "\tEXTERNAL")
                        && line.contains(harness.connectionName())),
                "the broker signed the connection on as the certificate's CN, by EXTERNAL: " + connections);
    }

    @Test
    void aCertificateFromAnUnknownCaIsRefusedNamingTheMechanismAndTheBrokersReason() throws Exception {
        Path untrusted = node.clientCertificate(USER, false);
        Harness harness = harness(untrusted, managed -> managed.setKeyStoreAlias("client"));
        WarrenException refused = assertThrows(WarrenException.class, () -> harness.factory().getConnection());
        String message = refused.getMessage();
        // the broker sends its reason as a TLS alert (unknown_ca), then closes at once: the client reads the
        // alert, or, when the close overtakes it (as it mostly does with TLS 1.3), the reset
        assertTrue(message.contains("the client certificate of keyStore '" + untrusted + "'")
                && message.contains("saslMechanism EXTERNAL")
                && (message.contains("unknown_ca") || message.contains("closed the TLS connection at once")), message);
        assertFalse(message.contains(node.trustStorePassword()), message);
    }

    @Test
    void aCertificateForAUserTheBrokerDoesNotKnowIsRefusedWithTheBrokersAnswer() throws Exception {
        Path stranger = node.clientCertificate("warren-stranger", true);
        Harness harness = harness(stranger, managed -> { });
        WarrenException refused = assertThrows(WarrenException.class, () -> harness.factory().getConnection());
        String message = refused.getMessage();
        assertTrue(message.contains("refused the sign-on with SASL mechanism EXTERNAL")
                && message.contains("ACCESS_REFUSED"), message);
    }

    @Test
    void anMdbConsumesSigningOnWithItsOwnCertificate() throws Exception {
        Harness harness = harness(certificate, managed -> { });
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> received.add(message.payload(String.class)));
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setDurable("false");
        spec.setConcurrency("1");
        // the adapter points at the main node with guest: the activation's own settings take over
        spec.setHost("localhost");
        spec.setPort(node.tlsPort());
        spec.setTls(true);
        spec.setTrustStore(node.trustStore().toString());
        spec.setTrustStorePassword(node.trustStorePassword());
        spec.setKeyStore(certificate.toString());
        spec.setKeyStorePassword(node.trustStorePassword());
        spec.setSaslMechanism("EXTERNAL");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build()).publish("to the MDB");
            Broker.await("the delivery over mutual TLS", WAIT, () -> received.size() == 1);
            assertTrue(node.connections("user", "auth_mechanism", "client_properties").stream()
                            .anyMatch(line -> line.startsWith(USER + "\tEXTERNAL") && line.contains("inbound")),
                    "the MDB's connection signed on by EXTERNAL");
        } finally {
            node.deleteQueue(queue);
        }
        assertEquals(List.of("to the MDB"), received);
    }

    @Test
    void externalWithoutAKeyStoreOrTlsIsAnErrorNamingTheProperties() {
        Map<BrokerProperty, String> values = Map.of(BrokerProperty.SASL_MECHANISM, "external");
        List<String> problems = ConnectionSettings.of(values).problems();
        assertTrue(problems.contains("saslMechanism: EXTERNAL signs on with the client certificate of a TLS connection; set tls=true"), problems.toString());
        assertTrue(problems.contains("saslMechanism: EXTERNAL needs keyStore, the key store holding the client certificate"), problems.toString());
        assertEquals(List.of("saslMechanism: 'kerberos' is neither PLAIN nor EXTERNAL"),
                ConnectionSettings.of(Map.of(BrokerProperty.SASL_MECHANISM, "kerberos")).problems());
    }

    @Test
    void theKeyStorePasswordIsMasked() {
        WarrenManagedConnectionFactory managed = new WarrenManagedConnectionFactory();
        managed.setKeyStore("/etc/warren/client.p12");
        managed.setKeyStorePassword("key-secret-123");
        managed.setOauth2ClientSecret("client-secret-456");
        String text = managed.toString() + managed.connectionSettings();
        assertTrue(text.contains("keyStore=/etc/warren/client.p12") && text.contains("keyStorePassword=****"), text);
        assertFalse(text.contains("key-secret-123") || text.contains("client-secret-456"), text);
    }
}
