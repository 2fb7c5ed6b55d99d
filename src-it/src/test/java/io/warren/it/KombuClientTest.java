package io.warren.it;

import io.warren.it.app.Queues;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kombu's client model from an EJB in the server (docs/producing.md): a SimpleQueue's put, get,
 * ack, reject and requeue, with waits that hold no pooled channel; and a producer with a retry
 * policy and declarations that survives a channel the broker closed and a lost connection, but
 * retries nothing inside a JTA transaction.
 */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class KombuClientTest extends Deployments.StandaloneApp {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeAll
    @AfterAll
    static void deleteWhatTheTestsDeclare() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.delete(Queues.SIMPLE, Queues.RETRIED);
            broker.deleteExchanges(Queues.RETRY_EXCHANGE);
        }
    }

    @Test
    void anEjbPutsGetsAcksRejectsAndRequeuesThroughASimpleQueueAndItsWaitsHoldNoChannel(
            @ArquillianResource @OperateOnDeployment("app") URL base) throws Exception {
        // ten empty waits on a pool of eight channels: one channel kept past its wait would exhaust the pool
        assertEquals("qsize 3, job 1 ACKED, job 2 REJECTED, job 3 redelivered true ACKED, 10 empty waits, qsize 0",
                Http.post(base, "simple-queue"));
        try (ItBroker broker = new ItBroker()) {
            assertEquals(0, broker.count(Queues.SIMPLE), "the queue the SimpleQueue declared, empty");
            ItBroker.await("nothing unacked on " + Queues.SIMPLE, WAIT,
                    () -> ItBroker.unacknowledgedNow(Queues.SIMPLE) == 0);
        }
    }

    @Test
    void aPublishWithARetryPolicySurvivesAChannelTheBrokerClosedAndALostConnectionButNotInsideATransaction(
            @ArquillianResource @OperateOnDeployment("app") URL base) throws Exception {
        try (ItBroker broker = new ItBroker()) {
            assertEquals("published", Http.post(base, "retry-publish?text=first"));
            assertEquals(1, broker.count(Queues.RETRIED), "routed to the queue the producer declared");

            // the broker closes the channel of the next publish (404: no exchange); the retry declares it again
            broker.deleteExchanges(Queues.RETRY_EXCHANGE);
            assertEquals("published", Http.post(base, "retry-publish?text=second"));
            assertTrue(broker.exchangeExists(Queues.RETRY_EXCHANGE), "declared again");
            assertEquals(2, broker.count(Queues.RETRIED));

            ItBroker.closeConnectionsNamed(Deployments.OUTBOUND_CONNECTION);
            assertEquals("published", Http.post(base, "retry-publish?text=third"));
            assertEquals(3, broker.count(Queues.RETRIED));

            // in a transaction: the publish to a missing exchange is not retried, and the transaction rolls back,
            // taking the other message of the same transaction with it
            String refused = Http.post(base, "retry-publish?text=in-transaction&transaction=true");
            assertTrue(refused.startsWith("failed:"), refused);
            assertEquals(3, broker.count(Queues.RETRIED), "neither message of the rolled back transaction: " + refused);

            assertEquals("published", Http.post(base, "retry-publish?text=fourth"), "the producer works on");
            List<String> texts = broker.drain(Queues.RETRIED).stream().map(ItBroker::text).toList();
            assertEquals(List.of("first", "second", "third", "fourth"), texts);
            assertFalse(texts.contains("in-transaction"));
            System.out.printf("%s: a publish in a transaction to a missing exchange failed: %s%n", Server.current(),
                    refused);
        }
    }
}
