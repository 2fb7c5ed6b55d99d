package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acks are coalesced (one {@code multiple} ack for several deliveries), and still no message is
 * acked before its delivery succeeded: failures amid successes are redelivered or dead-lettered,
 * their neighbours are acked once, and the broker's unacked count comes back to 0.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class CoalescedAckTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("coalesced");

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private void declare(String queueType) {
        try (var connection = harness.factory().getConnection()) {
            connection.declare(io.warren.Queue.builder(queue).type(io.warren.QueueType.valueOf(queueType.toUpperCase()))
                    .build());
        }
    }

    private void publishNumbered(int count) {
        byte[][] bodies = new byte[count][];
        for (int i = 0; i < count; i++) {
            bodies[i] = ("m-" + i).getBytes(StandardCharsets.UTF_8);
        }
        broker.publish(queue, new AMQP.BasicProperties.Builder().contentType("text/plain").build(), bodies);
    }

    private WarrenActivationSpec spec(int concurrency, int prefetch) {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setDeclare("false");
        spec.setConcurrency(Integer.toString(concurrency));
        spec.setPrefetch(Integer.toString(prefetch));
        spec.setMaxDeliveries("3");
        return spec;
    }

    private List<String> deadLetterBodies(int expected) {
        String parking = broker.cleanUpQueue(queue + ".dead-letters");
        Broker.await(expected + " dead letters in " + parking, WAIT, () -> {
            try {
                return broker.messageCount(parking) == expected;
            } catch (IllegalStateException notDeclaredYet) {
                return false;
            }
        }, () -> "(queue: ready " + broker.messageCount(queue) + ", unacked " + Broker.unacknowledged(queue) + ")");
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < expected; i++) {
            GetResponse dead = broker.get(parking);
            bodies.add(Broker.text(dead));
            assertEquals(3, dead.getProps().getHeaders().get("x-warren-deliveries"), Broker.text(dead));
        }
        return bodies;
    }

    @ParameterizedTest(name = "concurrency {0}, {1} queue, transacted {2}")
    @CsvSource({"1, classic, false", "3, classic, false", "2, quorum, false", "2, classic, true"})
    void failuresAmidSuccessesAreRedeliveredAndDeadLetteredWhileTheirNeighboursAreAckedOnce(
            int concurrency, String queueType, boolean transacted) throws Exception {
        int total = 400;
        Set<String> poison = Set.of("m-77", "m-150", "m-151", "m-399");
        Set<String> flaky = Set.of("m-0", "m-10", "m-200", "m-201", "m-398");
        declare(queueType);
        // declared before: DeadLetters' first-use declaration of the parking queue races between consumers
        // (a second consumer may publish to it before the first has declared it, and the broker drops that copy)
        try (var connection = harness.factory().getConnection()) {
            connection.declare(io.warren.Queue.named(broker.cleanUpQueue(DeadLetters.parkingQueue(queue))));
        }
        publishNumbered(total);

        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        Map<String, Boolean> redeliveredNeighbours = new ConcurrentHashMap<>();
        Set<String> succeeded = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicateSuccesses = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(transacted, message -> {
            String body = message.payload(String.class);
            int delivery = deliveries.computeIfAbsent(body, key -> new AtomicInteger()).incrementAndGet();
            if (poison.contains(body)) {
                throw new IllegalStateException("poison " + body);
            }
            if (flaky.contains(body) && delivery == 1) {
                throw new IllegalStateException("first delivery of " + body + " fails");
            }
            if (!flaky.contains(body) && message.redelivered()) {
                redeliveredNeighbours.put(body, true);
            }
            if (!succeeded.add(body)) {
                duplicateSuccesses.incrementAndGet();
            }
        });
        try (Harness.Deployment deployment = harness.deploy(spec(concurrency, 50), mdb)) {
            Broker.await("every good message consumed", WAIT, () -> succeeded.size() == total - poison.size());
            List<String> dead;
            try {
                dead = deadLetterBodies(poison.size());
            } catch (AssertionError e) {
                Map<String, Integer> poisonDeliveries = new java.util.TreeMap<>();
                poison.forEach(body -> poisonDeliveries.put(body, deliveries.get(body).get()));
                throw new AssertionError(e.getMessage() + "; deliveries of the poison: " + poisonDeliveries, e);
            }
            assertEquals(new TreeSet<>(poison), new TreeSet<>(dead), "exactly the poison messages are dead-lettered");
            Broker.await("nothing left unacked nor ready", WAIT,
                    () -> broker.messageCount(queue) == 0 && Broker.unacknowledged(queue) == 0,
                    () -> "unacked " + Broker.unacknowledged(queue) + ", ready " + broker.messageCount(queue));
        }
        assertEquals(0, duplicateSuccesses.get(), "no message succeeded twice (none was requeued after success)");
        assertEquals(Map.of(), redeliveredNeighbours, "no neighbour of a failure was redelivered");
        for (int i = 0; i < total; i++) {
            String body = "m-" + i;
            int expected = poison.contains(body) ? 3 : flaky.contains(body) ? 2 : 1;
            assertEquals(expected, deliveries.get(body).get(), body + " delivered");
        }
        assertEquals(mdb.beforeDeliveries.get(), mdb.afterDeliveries.get());
    }

    @Test
    void theDeliveryUnderWayIsNotAckedWhileTheAcksOfThoseBeforeItAreSent() throws Exception {
        declare("classic");
        publishNumbered(20);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            String body = message.payload(String.class);
            int delivery = deliveries.computeIfAbsent(body, key -> new AtomicInteger()).incrementAndGet();
            if (body.equals("m-5") && delivery == 1) {
                inside.countDown();
                try {
                    assertTrue(release.await(60, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("m-5 fails after a long time");
            }
        });
        try (Harness.Deployment deployment = harness.deploy(spec(1, 50), mdb)) {
            assertTrue(inside.await(30, TimeUnit.SECONDS), "m-5 under way");
            // m-0..m-4 succeeded: their acks go although m-5 takes its time; m-5..m-19 stay unacked
            Broker.await("the acks of the five before m-5", WAIT, () -> Broker.unacknowledged(queue) == 15,
                    () -> "unacked " + Broker.unacknowledged(queue));
            assertEquals(0, broker.messageCount(queue), "all 20 are with the consumer");
            assertEquals(1, deliveries.get("m-5").get());
            release.countDown();
            Broker.await("m-5 redelivered and everything acked", WAIT, () -> deliveries.get("m-5").get() == 2
                    && Broker.unacknowledged(queue) == 0 && broker.messageCount(queue) == 0);
        }
        for (int i = 0; i < 20; i++) {
            assertEquals(i == 5 ? 2 : 1, deliveries.get("m-" + i).get(), "m-" + i);
        }
    }

    @Test
    void acksHeldWhenTheMdbIsUndeployedAreSentNotRequeued() throws Exception {
        declare("classic");
        int total = 2_000;
        publishNumbered(total);
        AtomicInteger received = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> received.incrementAndGet());
        try (Harness.Deployment deployment = harness.deploy(spec(2, 200), mdb)) {
            Broker.await("all consumed", WAIT, () -> received.get() == total);
        }
        Broker.await("the queue empty after undeploy", WAIT,
                () -> broker.messageCount(queue) == 0 && Broker.unacknowledged(queue) == 0,
                () -> "ready " + broker.messageCount(queue));
        assertEquals(total, received.get(), "nothing redelivered");
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().contains("(inbound")
                && t.isAlive() && t.getName().contains(queue)));
    }
}
