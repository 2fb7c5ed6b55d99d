package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.warren.Message;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.InboundFixture;
import io.warren.rar.harness.TestEndpointFactory;
import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code BatchListener} MDB against the real broker: several messages per transaction, acked
 * together on commit, all given back on rollback, and a poison message singled out so that only it
 * is dead-lettered. The broker's own counts (ready, unacked, the dead-letter queue) are the judge.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class BatchDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final InboundFixture fixture = new InboundFixture("batch");
    private final Broker broker = fixture.broker();
    private final Harness harness = fixture.harness();
    private final String queue = fixture.queue();
    private final String deadLetters = broker.cleanUpQueue(queue + ".dead-letters");

    /** One consumer, batches of up to 5, waiting long enough that a batch fills from what was published at once. */
    private WarrenActivationSpec spec() {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setBatchSize("5");
        spec.setBatchTimeoutMillis("10000");
        return spec;
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> texts = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            texts.add(prefix + i);
        }
        return texts;
    }

    private void awaitNothingLeft(String... queues) {
        Broker.await("every message acked", WAIT, () -> {
            for (String name : queues) {
                if (broker.messageCount(name) != 0 || Broker.unacknowledged(name) != 0) {
                    return false;
                }
            }
            return true;
        }, () -> "ready " + broker.messageCount(queue) + ", unacked " + Broker.unacknowledged(queue));
    }

    private static List<String> texts(List<Message> messages) {
        return messages.stream().map(message -> message.payload(String.class)).toList();
    }

    /** @return the dead letters waiting, or -1 while their queue does not exist yet (it is declared with the first) */
    private long deadLettersWaiting() {
        try {
            return broker.messageCount(deadLetters);
        } catch (IllegalStateException notYet) {
            return -1;
        }
    }

    private List<String> deadLettered() {
        List<String> texts = new ArrayList<>();
        for (GetResponse response = broker.get(deadLetters); response != null; response = broker.get(deadLetters)) {
            texts.add(Broker.text(response));
        }
        return texts;
    }

    @Test
    void aTransactedBatchIsOneOnMessagesCallOneTransactionAndItsCommitAcksEveryMessage() throws Exception {
        List<String> committed = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = TestEndpointFactory.batches(true, messages -> committed.addAll(texts(messages)));
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            broker.publishText(queue, numbered("m-", 10).toArray(String[]::new));
            Broker.await("ten messages", WAIT, () -> committed.size() == 10, committed::toString);
            awaitNothingLeft(queue);
        }
        assertEquals(List.of(5, 5), mdb.batchSizes, "two batches of batchSize");
        assertEquals(2, mdb.beforeDeliveries.get(), "one beforeDelivery per batch");
        assertEquals(2, mdb.commits.get(), "one transaction per batch");
        assertEquals(numbered("m-", 10), committed, "in the broker's order");
    }

    @Test
    void aPartialBatchIsDeliveredWhenNoMoreComeWithinTheTimeout() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = TestEndpointFactory.batches(false, messages -> received.addAll(texts(messages)));
        WarrenActivationSpec spec = spec();
        spec.setBatchSize("50");
        spec.setBatchTimeoutMillis("100");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            broker.publishText(queue, "a", "b", "c");
            Broker.await("the three", WAIT, () -> received.size() == 3, received::toString);
            awaitNothingLeft(queue);
        }
        assertEquals(3, mdb.batchSizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(mdb.batchSizes.stream().allMatch(size -> size <= 3), "no batch waits for 50: " + mdb.batchSizes);
    }

    @Test
    void aRolledBackBatchAcksNoneAndEachOfItsMessagesIsDeliveredAgainAlone() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        List<String> committed = new CopyOnWriteArrayList<>();
        List<Integer> unackedDuringTheRetries = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = TestEndpointFactory.batches(true, messages -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("the database said no to the whole batch");
            }
            if (calls.get() == 2) {
                unackedDuringTheRetries.add(Broker.unacknowledged(queue));
            }
            committed.addAll(texts(messages));
        });
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            broker.publishText(queue, numbered("m-", 5).toArray(String[]::new));
            Broker.await("each committed alone", WAIT, () -> committed.size() == 5, committed::toString);
            awaitNothingLeft(queue);
        }
        assertEquals(List.of(5, 1, 1, 1, 1, 1), mdb.batchSizes, "the batch, then each message alone");
        assertEquals(List.of(5), unackedDuringTheRetries, "the rollback acked none of the batch");
        assertEquals(1, mdb.rollbacks.get());
        assertEquals(5, mdb.commits.get());
        assertEquals(numbered("m-", 5), committed, "each exactly once after the rollback, in order");
    }

    @Test
    void aPoisonMessageInABatchIsDeadLetteredAloneAndTheOthersCommit() throws Exception {
        List<String> committed = new CopyOnWriteArrayList<>();
        AtomicInteger poisonDeliveries = new AtomicInteger();
        TestEndpointFactory mdb = TestEndpointFactory.batches(true, messages -> {
            if (texts(messages).contains("poison")) {
                poisonDeliveries.incrementAndGet();
                throw new IllegalArgumentException("cannot handle poison");
            }
            committed.addAll(texts(messages));
        });
        WarrenActivationSpec spec = spec();
        spec.setMaxDeliveries("3");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            broker.publishText(queue, "a", "b", "poison", "c", "d");
            Broker.await("the poison message dead-lettered", WAIT, () -> deadLettersWaiting() == 1);
            awaitNothingLeft(queue);
        }
        assertEquals(List.of("a", "b", "c", "d"), committed, "the others committed once each, alone");
        assertEquals(List.of("poison"), deadLettered(), "only the poison message is dead-lettered");
        assertEquals(3, poisonDeliveries.get(), "maxDeliveries=3 deliveries of the poison message: in the batch, then "
                + "twice alone");
    }

    @Test
    void aBatchFailureNeverUsesUpAMessagesLastDeliveryEvenWithMaxDeliveriesOne() throws Exception {
        List<String> committed = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = TestEndpointFactory.batches(true, messages -> {
            if (texts(messages).contains("poison")) {
                throw new IllegalArgumentException("cannot handle poison");
            }
            committed.addAll(texts(messages));
        });
        WarrenActivationSpec spec = spec();
        spec.setMaxDeliveries("1");
        spec.setBatchSize("2");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            broker.publishText(queue, "good", "poison");
            Broker.await("the poison message dead-lettered", WAIT, () -> deadLettersWaiting() == 1);
            awaitNothingLeft(queue);
        }
        assertEquals(List.of("good"), committed, "the good message ran alone and committed");
        assertEquals(List.of("poison"), deadLettered());
        assertEquals(List.of(2, 1, 1), mdb.batchSizes);
    }

    @Test
    void aBatchTakesMessagesOfSeveralQueuesOfOneConsumerAndAcksEach() throws Exception {
        String second = broker.queueName("batch-second");
        Set<String> received = Collections.synchronizedSet(new TreeSet<>());
        TestEndpointFactory mdb = TestEndpointFactory.batches(true, messages -> messages.forEach(message ->
                received.add(message.queue().equals(queue) ? "first:" + message.payload(String.class)
                        : "second:" + message.payload(String.class))));
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueues(queue + "," + second);
        spec.setConcurrency("1");
        spec.setBatchSize("10");
        spec.setBatchTimeoutMillis("200");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            broker.publishText(queue, "1", "2", "3");
            broker.publishText(second, "4", "5", "6");
            Broker.await("six messages", WAIT, () -> received.size() == 6, received::toString);
            awaitNothingLeft(queue, second);
        }
        assertEquals(Set.of("first:1", "first:2", "first:3", "second:4", "second:5", "second:6"), received);
    }

    @Test
    void batchesKeepWithinMaxHeldBytesAndNothingIsLost() throws Exception {
        AtomicInteger received = new AtomicInteger();
        TestEndpointFactory mdb = TestEndpointFactory.batches(true, messages -> received.addAndGet(messages.size()));
        WarrenActivationSpec spec = spec();
        spec.setPrefetch("20");
        spec.setBatchSize("20");
        spec.setBatchTimeoutMillis("50");
        spec.setMaxHeldBytes("4096"); // four bodies of 1 KiB: the window narrows below the batch size
        byte[][] bodies = new byte[60][];
        for (int i = 0; i < bodies.length; i++) {
            bodies[i] = new byte[1024];
        }
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            broker.publish(queue, new AMQP.BasicProperties.Builder().contentType("application/octet-stream").build(),
                    bodies);
            Broker.await("every message", WAIT, () -> received.get() == 60, received::toString);
            awaitNothingLeft(queue);
        }
        assertTrue(mdb.batchSizes.stream().allMatch(size -> size <= 20), mdb.batchSizes::toString);
    }

    @Test
    void aBatchSizeAbovePrefetchIsRefusedNamingBoth() {
        WarrenActivationSpec spec = spec();
        spec.setPrefetch("10");
        spec.setBatchSize("25");
        InvalidPropertyException refused = assertThrows(InvalidPropertyException.class, spec::validate);
        assertTrue(refused.getMessage().contains("batchSize: '25' must be a whole number from 1 to the prefetch (10)"),
                refused.getMessage());
    }

    @Test
    void batchesNeedContainerAcksAndNoStream() {
        WarrenActivationSpec manual = spec();
        manual.setAckMode("manual");
        InvalidPropertyException refused = assertThrows(InvalidPropertyException.class, manual::validate);
        assertTrue(refused.getMessage().contains("batchSize above 1 needs ackMode=container"), refused.getMessage());
        WarrenActivationSpec stream = spec();
        stream.setQueueType("stream");
        refused = assertThrows(InvalidPropertyException.class, stream::validate);
        assertTrue(refused.getMessage().contains("leave batchSize at 1 for queueType=stream"), refused.getMessage());
    }

    @Test
    void aBatchSizeForAnMdbThatTakesNoBatchesIsRefusedNamingBatchListener() {
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> { });
        InvalidPropertyException refused = assertThrows(InvalidPropertyException.class,
                () -> harness.deploy(spec(), mdb));
        assertTrue(refused.getMessage().contains("batchSize: 5 needs an MDB that implements io.warren.BatchListener"),
                refused.getMessage());
    }
}
