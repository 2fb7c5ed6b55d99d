package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.Exchange;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.UnroutableException;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transaction's outcome as the container sees it is the broker's: a commit the broker answered
 * with commit-ok is never reported failed, and mandatory publishes never make it so.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class TransactionOutcomeTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("outcome");
    private final Exchange exchange = Exchange.direct(broker.exchangeName("outcome"));
    private final Producer routed;
    private final Producer mandatory;

    TransactionOutcomeTest() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(exchange, "routed").build());
        }
        routed = harness.factory().producer(Producer.to(exchange.name()).routingKey("routed").build());
        mandatory = harness.factory().producer(Producer.to(exchange.name()).routingKey("nowhere")
                .mandatory(true).build());
    }

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    @Test
    void aMandatoryPublishInsideATransactionIsRefusedBeforeAnythingCommits() {
        WarrenException refused = assertThrows(WarrenException.class, () -> harness.inTransaction(() -> {
            routed.publish("in the transaction");
            mandatory.publish("cannot be waited for");
        }));
        assertTrue(refused.getMessage().contains("inside a transaction"), refused.getMessage());
        assertTrue(refused.getMessage().contains("publishConfirmed"), refused.getMessage());
        // the transaction rolled back as a whole: the broker holds nothing of it
        routed.publish("marker");
        Broker.await("the marker", Duration.ofSeconds(10), () -> broker.messageCount(queue) >= 1);
        assertEquals(1, broker.messageCount(queue));
    }

    @Test
    void aCommitWithAnUnroutableMandatoryMessageSucceedsAndTheMessagesFutureReportsTheReturn() throws Exception {
        CompletableFuture<?>[] unroutable = new CompletableFuture<?>[1];
        harness.inTransaction(() -> {
            routed.publish("kept");
            unroutable[0] = mandatory.publishConfirmed("returned");
        });
        assertEquals(1, broker.messageCount(queue), "the commit kept the routable message");
        ExecutionException error = assertThrows(ExecutionException.class,
                () -> unroutable[0].get(30, TimeUnit.SECONDS));
        assertInstanceOf(UnroutableException.class, error.getCause());
    }

    @Test
    void aCommitOnAChannelTheBrokerClosedSaysWhyTheBrokerClosedIt() {
        Producer toNowhere = harness.factory().producer(Producer.to(broker.exchangeName("missing")).build());
        // the broker closes the channel for the publish (404) while the commit waits for its answer,
        // which the client then reports as an IOException without a message of its own
        IllegalStateException failed = assertThrows(IllegalStateException.class,
                () -> harness.inTransaction(() -> toNowhere.publish("to an exchange that does not exist")));
        assertTrue(failed.getMessage().contains("NOT_FOUND - no exchange"), failed.getMessage());
        assertFalse(failed.getMessage().endsWith("null"), failed.getMessage());
    }
}
