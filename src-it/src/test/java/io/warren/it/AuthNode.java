package io.warren.it;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.warren.testnode.SecondNode;
import io.warren.testnode.TokenServer;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The TLS node of the authentication tests ({@link EnterpriseAuthTest}), one per server suite: the
 * core tests' {@link SecondNode} with {@code rabbitmq_auth_mechanism_ssl} (client certificates,
 * SASL EXTERNAL, the user named by the certificate's CN) and {@code rabbitmq_auth_backend_oauth2}
 * (tokens signed with the test's key, issued by the test's {@link TokenServer}). It starts when a
 * deployment first asks for it (Arquillian builds deployments before any {@code @BeforeAll}) and
 * stops when the suite ends ({@link Stop}): its users, queues, certificates and data go with its
 * directory.
 */
final class AuthNode {

    static final Duration TOKEN_LIFETIME = Duration.ofSeconds(5);
    static final String CLIENT_ID = "warren-it-app";

    private static AuthNode shared;

    private final SecondNode node;
    private final TokenServer tokens;
    private final String user;
    private final Path certificate;
    private final String clientSecret;

    private AuthNode(SecondNode node, TokenServer tokens, String user, Path certificate, String clientSecret) {
        this.node = node;
        this.tokens = tokens;
        this.user = user;
        this.certificate = certificate;
        this.clientSecret = clientSecret;
    }

    /** @return the suite's node, started on the first call */
    static synchronized AuthNode shared() throws Exception {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    private static AuthNode start() throws Exception {
        String key = "warren-it-signing-key-" + UUID.randomUUID();
        SecondNode node = SecondNode.withTls("warren-it-auth", SecondNode.Setup.authentication(key));
        TokenServer tokens = null;
        try {
            String user = "warren-it-client-" + UUID.randomUUID().toString().substring(0, 6);
            // EXTERNAL signs on as an existing user: its password is never used
            node.rabbitmqctl("add_user", user, UUID.randomUUID().toString());
            node.rabbitmqctl("set_permissions", "-p", "/", user, ".*", ".*", ".*");
            Path certificate = node.clientCertificate(user, true);
            String secret = "warren-it-secret-" + UUID.randomUUID();
            tokens = new TokenServer(CLIENT_ID, secret, key, TOKEN_LIFETIME);
            return new AuthNode(node, tokens, user, certificate, secret);
        } catch (Exception | Error e) {
            if (tokens != null) {
                tokens.close();
            }
            node.close();
            throw e;
        }
    }

    SecondNode node() {
        return node;
    }

    TokenServer tokens() {
        return tokens;
    }

    /** @return the user the client certificate names (its CN) */
    String user() {
        return user;
    }

    /** @return the PKCS12 key store with the client certificate, password {@link SecondNode#trustStorePassword()} */
    Path certificate() {
        return certificate;
    }

    String clientSecret() {
        return clientSecret;
    }

    /** Declares the queues afresh on the node, empty, over plain AMQP as guest. */
    void resetQueues(String... queues) throws Exception {
        try (Connection connection = checker(); Channel channel = connection.createChannel()) {
            for (String queue : queues) {
                channel.queueDelete(queue);
                channel.queueDeclare(queue, true, false, false, null);
            }
        }
    }

    void deleteQueues(String... queues) throws Exception {
        for (String queue : queues) {
            node.deleteQueue(queue);
        }
    }

    /** @return the messages in the queue, taken, as text; none when it is missing */
    List<String> drain(String queue) throws Exception {
        try (Connection connection = checker(); Channel channel = connection.createChannel()) {
            List<String> texts = new ArrayList<>();
            for (GetResponse got = channel.basicGet(queue, true); got != null; got = channel.basicGet(queue, true)) {
                texts.add(ItBroker.text(got));
            }
            return texts;
        }
    }

    /** @return the consumers on the queue, or -1 when there is none such */
    int consumers(String queue) {
        try (Connection connection = checker(); Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getConsumerCount();
        } catch (Exception missing) {
            return -1;
        }
    }

    /**
     * @return the node's connections whose client-provided name contains the text, as
     *     {@code user, auth_mechanism, peer_port, client_properties} lines: the same line later is the same connection
     */
    List<String> connectionsNamed(String name) throws Exception {
        return node.connections("user", "auth_mechanism", "peer_port", "client_properties").stream()
                .filter(line -> line.contains(name)).toList();
    }

    private Connection checker() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(node.port());
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection("warren-it (auth node checker)");
    }

    /** Stops the suite's node, if a test started it, once every class of the server has run. */
    public static final class Stop implements TestExecutionListener {

        @Override
        public void testPlanExecutionFinished(TestPlan testPlan) {
            synchronized (AuthNode.class) {
                if (shared == null) {
                    return;
                }
                try {
                    shared.tokens.close();
                    shared.node.close();
                } catch (Exception e) {
                    System.out.println("Could not stop the authentication tests' node: " + e);
                } finally {
                    shared = null;
                }
            }
        }
    }
}
