package io.warren.rar.inbound;

import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.metrics.ActivationMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import static io.warren.rar.inbound.HeldBytesFixture.KIB;
import static io.warren.rar.inbound.HeldBytesFixture.numbers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code maxHeldBytes}: an activation's consumers narrow their prefetch when the bodies they hold
 * go over it and widen it again once they hold little, losing, repeating and reordering nothing.
 * (A channel the broker closes while narrowed: {@link NarrowedConsumerFaultsTest}.)
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class HeldBytesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final HeldBytesFixture fixture = new HeldBytesFixture("held-bytes");
    private final Broker broker = fixture.broker;
    private final Harness harness = fixture.harness;
    private final String queue = fixture.queue;

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    /** @return the prefetch of each consumer of the queue, as the broker lists them */
    private List<Integer> prefetchesOnBroker() {
        List<Integer> prefetches = new ArrayList<>();
        for (String line : Broker.rabbitmqctl("list_consumers", "queue_name", "prefetch_count").split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 2 && columns[0].equals(queue)) {
                prefetches.add(Integer.parseInt(columns[1]));
            }
        }
        return prefetches;
    }

    /**
     * Failed on the code before maxHeldBytes, run with the windows never changed (the old code
     * has no such property): {@code throttles 0, prefetches [50], held 13107200 bytes (budget
     * 1048576), unacked 50}, and after the first 50 the remaining 30 bodies all held at once.
     */
    @Test
    void aSlowMdbTakingLargeBodiesHoldsNoMoreThanTheBudgetOnceWhatWasSentBeforeIsThrough() throws Exception {
        int size = 256 * KIB;
        int budget = 1024 * KIB; // four bodies
        int count = 80;
        Semaphore permits = new Semaphore(0);
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            try {
                // a slow MDB: each delivery waits for the test to let it go
                if (!permits.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never let go");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            received.add(message.messageId());
        });
        try (Harness.Deployment deployment = harness.deploy(fixture.spec(50, budget), mdb)) {
            Broker.await("a consumer", WAIT, () -> broker.consumerCount(queue) == 1);
            fixture.publish(0, count, size);
            ActivationMXBean metrics = fixture.metrics();
            // the broker sent the prefetch's 50 at once, before the first was taken: the budget can only narrow what follows
            Broker.await("the consumer narrowed to the four bodies of the budget", WAIT, () -> metrics.getThrottles() >= 1
                    && prefetchesOnBroker().equals(List.of(4)), () -> "throttles " + metrics.getThrottles()
                    + ", prefetches " + prefetchesOnBroker() + ", held " + metrics.getHeldBytes() + " bytes (budget "
                    + budget + "), unacked " + Broker.unacknowledged(queue));
            // what was sent under the old window is run, and 4 more under the new one
            permits.release(54);
            Broker.await("what was sent before the narrowing run", WAIT, () -> received.size() == 54,
                    () -> received.size() + " run");
            Broker.await("four bodies held, the rest in the queue", WAIT,
                    () -> Broker.unacknowledged(queue) == 4 && Broker.ready(queue) == count - 58,
                    () -> "unacked " + Broker.unacknowledged(queue) + ", ready " + Broker.ready(queue));
            assertTrue(metrics.getHeldBytes() <= budget, "held " + metrics.getHeldBytes());
            // the peak is what the broker had sent when the budget was crossed: the old window and the new
            assertTrue(metrics.getHeldBytesPeak() <= 54L * size, "peak " + metrics.getHeldBytesPeak());
            permits.release(count);
            Broker.await("every message run", WAIT, () -> received.size() == count, () -> received.size() + " run");
            Broker.await("everything acked", WAIT, () -> broker.messageCount(queue) == 0
                    && Broker.unacknowledged(queue) == 0);
            assertEquals(numbers(count), received);
            assertEquals(0, metrics.getRedeliveries());
            Broker.await("no body held", WAIT, () -> metrics.getHeldBytes() == 0, () -> "held " + metrics.getHeldBytes());
        } finally {
            permits.release(1_000);
        }
    }

    /** @param queueType classic, quorum, or an exclusive consumer of a classic queue */
    @ParameterizedTest(name = "{0} queue")
    @ValueSource(strings = {"classic", "quorum", "exclusive classic"})
    void everyMessageArrivesOnceAndInOrderThroughANarrowingAndBack(String queueType) throws Exception {
        int large = 64 * KIB;
        int budget = 512 * KIB; // eight large bodies
        int largeCount = 40;
        int smallCount = 300;
        CountDownLatch narrowed = new CountDownLatch(1);
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicInteger redelivered = new AtomicInteger();
        List<String> redeliveries = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            if (message.redelivered()) {
                redelivered.incrementAndGet();
                redeliveries.add(message.messageId() + "/" + message.header("x-delivery-count"));
            }
            try {
                // the first delivery waits until the consumer has narrowed, so that bodies pile up
                if (!narrowed.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never narrowed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            received.add(message.messageId());
        });
        WarrenActivationSpec spec = fixture.spec(20, budget);
        spec.setQueueType(queueType.replace("exclusive ", ""));
        spec.setExclusive(String.valueOf(queueType.startsWith("exclusive")));
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            Broker.await("a consumer", WAIT, () -> broker.consumerCount(queue) == 1);
            ActivationMXBean metrics = fixture.metrics();
            fixture.publish(0, largeCount, large);
            Broker.await("the consumer narrowed", WAIT, () -> metrics.getThrottles() >= 1
                    && prefetchesOnBroker().equals(List.of(8)), () -> "throttles " + metrics.getThrottles()
                    + ", prefetches " + prefetchesOnBroker());
            narrowed.countDown();
            fixture.publish(largeCount, smallCount, 100);
            int count = largeCount + smallCount;
            Broker.await("every message run", WAIT, () -> received.size() >= count, () -> received.size() + " run");
            Broker.await("everything acked", WAIT, () -> broker.messageCount(queue) == 0
                    && Broker.unacknowledged(queue) == 0);
            assertEquals(numbers(count), received, "each message once, in the queue's order; redelivered "
                    + redeliveries + ", reconnects " + metrics.getReconnects());
            assertEquals(0, redelivered.get());
            // small bodies again: the consumer is back at the full prefetch
            Broker.await("the prefetch back at 20", WAIT, () -> prefetchesOnBroker().equals(List.of(20)),
                    () -> "prefetches " + prefetchesOnBroker());
            assertEquals(0, metrics.getHeldBytes());
            assertEquals(1, deployment.consumers());
        } finally {
            narrowed.countDown();
        }
    }

    @Test
    void aStreamNarrowedAndWidenedAgainIsReadOnceInOrderFromWhereItWas() throws Exception {
        int budget = 512 * KIB;
        int largeCount = 40;
        int smallCount = 200;
        CountDownLatch narrowed = new CountDownLatch(1);
        List<String> received = new CopyOnWriteArrayList<>();
        List<Long> offsets = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            try {
                if (!narrowed.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never narrowed");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            received.add(message.messageId());
            offsets.add(((Number) message.header("x-stream-offset")).longValue());
        });
        WarrenActivationSpec spec = fixture.spec(20, budget);
        spec.setQueueType("stream");
        spec.setStreamOffset("first");
        spec.setQueueArguments("x-max-length-bytes=100000000");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            Broker.await("the stream declared and read", WAIT, () -> deployment.consumers() == 1);
            ActivationMXBean metrics = fixture.metrics();
            fixture.publish(0, largeCount, 64 * KIB);
            Broker.await("the consumer narrowed", WAIT, () -> metrics.getThrottles() >= 1,
                    () -> "held " + metrics.getHeldBytes());
            narrowed.countDown();
            fixture.publish(largeCount, smallCount, 100);
            int count = largeCount + smallCount;
            Broker.await("every message read", WAIT, () -> received.size() >= count, () -> received.size() + " read");
            Broker.await("no body held", WAIT, () -> metrics.getHeldBytes() == 0, () -> "held " + metrics.getHeldBytes());
            assertEquals(numbers(count), received, "each message once, in the stream's order");
            assertEquals(LongStream.range(offsets.get(0), offsets.get(0) + count).boxed().toList(), offsets);
        } finally {
            narrowed.countDown();
        }
    }
}
