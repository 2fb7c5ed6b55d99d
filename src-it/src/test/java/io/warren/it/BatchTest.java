package io.warren.it;

import com.rabbitmq.client.GetResponse;
import io.warren.it.app.Queues;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transacted {@code BatchListener} MDB ({@code BatchMdb}, batchSize 5) in the server: batches
 * commit whole, a rolled-back batch comes again one message at a time, and a poison message in a
 * batch is the only one dead-lettered. What committed is what the MDB published in its transactions.
 */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class BatchTest extends Deployments.StandaloneApp {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DEAD_LETTERS = Queues.BATCH + ".dead-letters";

    @BeforeEach
    void emptyQueues() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.resetQueues(Queues.BATCH_DONE);
            broker.purge(Queues.BATCH);
            broker.delete(DEAD_LETTERS);
        }
    }

    /** @return each committed message's text and the size of the batch it committed in */
    private static Map<String, Integer> committed(ItBroker broker) throws Exception {
        Map<String, Integer> sizes = new TreeMap<>();
        for (GetResponse response : broker.drain(Queues.BATCH_DONE)) {
            sizes.put(ItBroker.text(response),
                    Integer.parseInt(response.getProps().getHeaders().get("batch-size").toString()));
        }
        return sizes;
    }

    private static void awaitNothingLeft(ItBroker broker) {
        ItBroker.await("the batch queue empty, nothing unacked", WAIT, () -> {
            try {
                return broker.count(Queues.BATCH) == 0 && ItBroker.unacknowledged(Queues.BATCH) == 0;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    void aTransactedBatchMdbCommitsWholeBatches() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.publish(Queues.BATCH, "ok-0", "ok-1", "ok-2", "ok-3", "ok-4", "ok-5", "ok-6", "ok-7", "ok-8", "ok-9");
            ItBroker.await("ten committed", WAIT, () -> broker.count(Queues.BATCH_DONE) == 10);
            awaitNothingLeft(broker);
            Map<String, Integer> committed = committed(broker);
            assertEquals(10, committed.size(), committed::toString);
            assertTrue(committed.values().stream().allMatch(size -> size > 1 && size <= 5),
                    "every message committed in a batch of several: " + committed);
        }
    }

    @Test
    void aRolledBackBatchComesAgainOneMessageAtATime() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.publish(Queues.BATCH, "rollback-0", "rollback-1", "rollback-2", "rollback-3", "rollback-4");
            ItBroker.await("five committed", WAIT, () -> broker.count(Queues.BATCH_DONE) == 5);
            awaitNothingLeft(broker);
            Map<String, Integer> committed = committed(broker);
            assertEquals(List.of("rollback-0", "rollback-1", "rollback-2", "rollback-3", "rollback-4"),
                    List.copyOf(committed.keySet()), "the rolled-back batch's publishes are gone, each message "
                            + "committed once on its own");
            assertTrue(committed.values().stream().allMatch(size -> size == 1), committed::toString);
            assertEquals(-1, broker.count(DEAD_LETTERS), "nothing dead-lettered");
        }
    }

    @Test
    void onePoisonMessageInABatchIsDeadLetteredAlone() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.publish(Queues.BATCH, "ok-a", "ok-b", "poison", "ok-c", "ok-d");
            ItBroker.await("the poison message dead-lettered", WAIT, () -> broker.count(DEAD_LETTERS) == 1);
            ItBroker.await("the others committed", WAIT, () -> broker.count(Queues.BATCH_DONE) == 4);
            awaitNothingLeft(broker);
            Map<String, Integer> committed = committed(broker);
            assertEquals(List.of("ok-a", "ok-b", "ok-c", "ok-d"), List.copyOf(committed.keySet()));
            GetResponse deadLetter = broker.get(DEAD_LETTERS);
            assertEquals("poison", ItBroker.text(deadLetter));
            assertEquals("3", deadLetter.getProps().getHeaders().get("x-warren-deliveries").toString(),
                    "maxDeliveries deliveries of its own kind: the batch's, then alone");
            broker.delete(DEAD_LETTERS);
        }
    }
}
