package io.warren.rar.config;

import io.warren.Connection;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.SharedNode;
import io.warren.testnode.SecondNode;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.testnode.TokenServer;
import io.warren.rar.inbound.WarrenActivationSpec;
import io.warren.rar.outbound.WarrenManagedConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OAuth 2 against the {@link SharedNode}, whose {@code rabbitmq_auth_backend_oauth2} trusts tokens
 * signed with {@link SharedNode#SIGNING_KEY}; the test is the token endpoint, issuing tokens that
 * live {@value #LIFETIME_SECONDS} s. RabbitMQ 3.10 does not close a connection whose token has
 * expired, but refuses what it authorises afresh (a queue not declared before): each round below
 * declares a new queue on the same connection, which works only with a token refreshed in time.
 */
@ExtendWith(SharedNode.class)
@ResourceLock(value = SharedNode.LOCK, mode = ResourceAccessMode.READ)
// the harness's adapter also points at the main broker: not while a test changes it
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class OAuth2Test {

    private static final int LIFETIME_SECONDS = 5;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String CLIENT = "warren-app";
    private static final String SECRET = "client-secret-" + UUID.randomUUID();

    private static SecondNode node;

    private TokenServer tokens;
    private final List<Harness> harnesses = new CopyOnWriteArrayList<>();
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Logger refreshLog = Logger.getLogger(TokenRefresh.class.getName());
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final String queue = "warren.test.oauth2." + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void theSharedNode(SecondNode shared) {
        node = shared;
    }

    @BeforeEach
    void startTokenEndpoint() throws Exception {
        tokens = new TokenServer(CLIENT, SECRET, SharedNode.SIGNING_KEY, Duration.ofSeconds(LIFETIME_SECONDS));
        refreshLog.addHandler(handler);
    }

    @AfterEach
    void stop() throws Exception {
        harnesses.forEach(Harness::close);
        refreshLog.removeHandler(handler);
        tokens.close();
        node.deleteQueue(queue);
    }

    private Harness harness(Consumer<WarrenManagedConnectionFactory> configure) {
        Harness harness = new Harness(2, managed -> {
            managed.setHost("localhost");
            managed.setPort(node.port());
            managed.setOauth2TokenEndpoint(tokens.url());
            managed.setOauth2ClientId(CLIENT);
            managed.setOauth2ClientSecret(SECRET);
            managed.setConnectionTimeoutMillis(5_000);
            configure.accept(managed);
        });
        harnesses.add(harness);
        return harness;
    }

    private WarrenActivationSpec spec() {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setDurable("false");
        spec.setConcurrency("1");
        spec.setHost("localhost");
        spec.setPort(node.port());
        spec.setOauth2TokenEndpoint(tokens.url());
        spec.setOauth2ClientId(CLIENT);
        spec.setOauth2ClientSecret(SECRET);
        return spec;
    }

    private Set<String> connectionsOf(Harness harness) throws Exception {
        return node.connections("pid", "client_properties").stream()
                .filter(line -> line.contains(harness.connectionName()))
                .map(line -> line.substring(0, line.indexOf('\t'))).collect(Collectors.toSet());
    }

    @Test
    void anMdbAndAProducerOutliveSeveralTokensOnTheSameConnections() throws Exception {
        Harness harness = harness(managed -> { });
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> received.add(message.payload(String.class)));
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb);
             Connection connection = harness.factory().getConnection()) {
            Producer producer = harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build());
            producer.publish("round 0");
            Broker.await("the first delivery", WAIT, () -> received.size() == 1);
            Set<String> before = connectionsOf(harness);
            // each of the two connections (outbound, inbound) has its own token: rounds go on until
            // three lifetimes have passed, each after a new token
            long start = System.nanoTime();
            Duration span = Duration.ofSeconds(LIFETIME_SECONDS * 3L);
            int round = 0;
            while (round < 4 || System.nanoTime() - start < span.toNanos()) {
                round++;
                int tokensSoFar = tokens.issued();
                // a token lifetime passes: the refresh comes before the token expires
                Broker.await("a refreshed token", Duration.ofSeconds(LIFETIME_SECONDS * 2L),
                        () -> tokens.issued() > tokensSoFar);
                String fresh = queue + ".round" + round;
                connection.declare(Queue.builder(fresh).durable(false).build());
                connection.deleteQueue(fresh);
                producer.publish("round " + round);
                int expected = round + 1;
                Broker.await("delivery of round " + round, WAIT, () -> received.size() == expected);
            }
            assertTrue(tokens.issued() >= 6, "the tokens of three lifetimes on two connections: " + tokens.issued());
            assertEquals(before, connectionsOf(harness), "the same connections all along");
            assertEquals(2, before.size(), "one outbound and one inbound connection: " + before);
        }
        assertEquals(IntStream.range(0, received.size()).mapToObj(i -> "round " + i).toList(), received);
        assertTrue(received.size() >= 5, received.toString());
        assertTrue(logged.stream().noneMatch(record -> record.getLevel().intValue() >= Level.WARNING.intValue()),
                "no refresh failed");
    }

    @Test
    void aRefreshThatFailsIsLoggedOnceAndRetriedWhileTheConnectionStays() throws Exception {
        Harness harness = harness(managed -> { });
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).durable(false).build());
            Set<String> before = connectionsOf(harness);
            tokens.answering(false);
            // retried with a growing delay: 0.5 s, 1 s, 2 s after the first failure
            Broker.await("the refresh to be retried", WAIT, () -> tokens.refused() >= 4);
            assertEquals(1, warnings().size(), "logged once, however often the retry fails: " + warnings());
            String warning = warnings().get(0);
            assertTrue(warning.contains(tokens.url()) && warning.contains("503") && warning.contains(TokenServer.REFUSAL),
                    "names the endpoint and its answer: " + warning);
            assertFalse(warning.contains(SECRET), warning);

            // a new connection needs a token now: it fails with the endpoint's answer
            Harness other = harness(managed -> { });
            WarrenException refused = assertThrows(WarrenException.class, () -> other.factory().getConnection());
            assertTrue(refused.getMessage().contains("oauth2TokenEndpoint: cannot obtain a token")
                    && refused.getMessage().contains(TokenServer.REFUSAL), refused.getMessage());

            int issued = tokens.issued();
            tokens.answering(true);
            Broker.await("a token obtained again", Duration.ofSeconds(30), () -> tokens.issued() > issued
                    && logged.stream().anyMatch(record -> record.getMessage().contains("again")));
            // Warren never dropped it; RabbitMQ 3.10 does not close a connection whose token expired either
            assertEquals(before, connectionsOf(harness), "the same connection all along");
            String fresh = queue + ".after";
            connection.declare(Queue.builder(fresh).durable(false).build());
            connection.deleteQueue(fresh);
        }
    }

    @Test
    void anEndpointThatRefusesTheClientFailsTheConnectionWithItsAnswer() {
        Harness harness = harness(managed -> managed.setOauth2ClientSecret("not-the-" + SECRET));
        WarrenException refused = assertThrows(WarrenException.class, () -> harness.factory().getConnection());
        String message = refused.getMessage();
        assertTrue(message.contains("oauth2TokenEndpoint: cannot obtain a token") && message.contains("401")
                && message.contains("invalid_client"), message);
        assertFalse(message.contains(SECRET), message);
    }

    @Test
    void theEndpointNeedsAClientIdAndAUrl() {
        List<String> problems = ConnectionSettings.of(Map.of(BrokerProperty.OAUTH2_TOKEN_ENDPOINT, "idp.example.com/token"))
                .problems();
        assertEquals(List.of("oauth2TokenEndpoint: 'idp.example.com/token' must be an http:// or https:// URL",
                "oauth2ClientId: the client id is needed with oauth2TokenEndpoint"), problems);
    }

    private List<String> warnings() {
        return logged.stream().filter(record -> record.getLevel() == Level.WARNING).map(LogRecord::getMessage).toList();
    }
}
