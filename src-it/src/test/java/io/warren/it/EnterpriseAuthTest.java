package io.warren.it;

import io.warren.it.auth.AuthNames;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Enterprise sign-on inside the server (docs/security.md), against the suite's {@link AuthNode}:
 * an application whose EJB publishes and whose MDB consumes, each by the client certificate of a
 * key store file alone (mutual TLS, SASL EXTERNAL), and each with OAuth 2 tokens that expire every
 * few seconds and are refreshed on the live connections while the server runs.
 */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class EnterpriseAuthTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int TOKEN_LIFETIMES = 3;

    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    @Deployment(name = "app", order = 2, testable = false)
    static WebArchive app() throws Exception {
        return Deployments.authWar(AuthNode.shared());
    }

    @Test
    void anEjbPublishesAndAnMdbConsumesSigningOnByTheClientCertificateAlone(
            @ArquillianResource @OperateOnDeployment("app") URL base) throws Exception {
        AuthNode auth = AuthNode.shared();
        auth.resetQueues(AuthNames.TLS_DONE);
        try {
            awaitConsumer(auth, AuthNames.TLS);
            Http.post(base, "auth/tls?text=by-certificate");
            List<String> received = new ArrayList<>();
            ItBroker.await("the MDB's message passed on", WAIT, () -> drainInto(auth, AuthNames.TLS_DONE, received));
            assertEquals(List.of("by-certificate"), received);
            for (String connection : List.of(AuthNames.TLS_CONNECTION, AuthNames.TLS_MDB_CONNECTION)) {
                List<String> lines = auth.connectionsNamed(connection);
                assertTrue(!lines.isEmpty() && lines.stream().allMatch(line -> line.startsWith(auth.user() + "\tEXTERNAL")),
                        connection + " signed on as the certificate's CN, by EXTERNAL: " + lines);
            }
        } finally {
            auth.deleteQueues(AuthNames.TLS_DONE);
        }
    }

    /**
     * Each round declares a queue its connection has not used, which RabbitMQ 3.10 authorises with
     * the connection's current token and refuses once that token has expired: the rounds, one token
     * lifetime apart, succeed on the same connections only with tokens refreshed in the server.
     */
    @Test
    void theConnectionsOutliveTheirTokensRefreshedWhileTheServerRuns(
            @ArquillianResource @OperateOnDeployment("app") URL base) throws Exception {
        AuthNode auth = AuthNode.shared();
        auth.resetQueues(AuthNames.OAUTH2_DONE);
        List<String> roundQueues = new ArrayList<>();
        try {
            awaitConsumer(auth, AuthNames.OAUTH2);
            int issuedBefore = auth.tokens().issued();
            List<String> connectionsBefore = new ArrayList<>();
            List<String> received = new ArrayList<>();
            for (int round = 1; round <= TOKEN_LIFETIMES; round++) {
                String queue = "warren.it.auth.oauth2.round-" + round;
                roundQueues.add(queue);
                Http.post(base, "auth/oauth2?queue=" + queue + "&text=round-" + round);
                int rounds = round;
                ItBroker.await("round " + round + " passed on by the MDB", WAIT,
                        () -> drainInto(auth, AuthNames.OAUTH2_DONE, received) && received.size() == rounds);
                if (round == 1) {
                    connectionsBefore.addAll(auth.connectionsNamed(AuthNames.OAUTH2_CONNECTION));
                    connectionsBefore.addAll(auth.connectionsNamed(AuthNames.OAUTH2_MDB_CONNECTION));
                }
                // every token the connections had when this round began has expired before the next
                Instant expired = Instant.now().plus(AuthNode.TOKEN_LIFETIME).plusSeconds(1);
                if (round < TOKEN_LIFETIMES) {
                    ItBroker.await("a token lifetime to pass", WAIT, () -> Instant.now().isAfter(expired));
                }
            }
            assertEquals(List.of("round-1", "round-2", "round-3"), received);
            List<String> connectionsAfter = new ArrayList<>(auth.connectionsNamed(AuthNames.OAUTH2_CONNECTION));
            connectionsAfter.addAll(auth.connectionsNamed(AuthNames.OAUTH2_MDB_CONNECTION));
            assertEquals(2, connectionsBefore.size(), "the EJB's factory and the MDB's activation, one connection each: "
                    + connectionsBefore);
            assertEquals(connectionsBefore, connectionsAfter, "the same two connections all along, not new ones per token");
            assertTrue(auth.tokens().issued() - issuedBefore >= 2 * (TOKEN_LIFETIMES - 1),
                    "the factory and the activation refreshed their tokens: " + (auth.tokens().issued() - issuedBefore));
        } finally {
            roundQueues.add(AuthNames.OAUTH2_DONE);
            auth.deleteQueues(roundQueues.toArray(String[]::new));
        }
    }

    private static void awaitConsumer(AuthNode auth, String queue) {
        ItBroker.await("the MDB's consumer on " + queue, WAIT, () -> auth.consumers(queue) == 1);
    }

    private static boolean drainInto(AuthNode auth, String queue, List<String> received) {
        try {
            received.addAll(auth.drain(queue));
            return !received.isEmpty();
        } catch (Exception notYet) {
            return false;
        }
    }
}
