package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.InboundFixture;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Attempts are counted by the queue's configured type, never from headers a publisher controls:
 * a header a publisher set (or an MDB forwarded) neither keeps a failing message from being
 * counted nor dead-letters a fresh one unseen.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class AttemptCountTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final InboundFixture fixture = new InboundFixture("attempts");
    private final Broker broker = fixture.broker();
    private final Harness harness = fixture.harness();
    private final String queue = fixture.queue();

    private WarrenActivationSpec spec(String queueType, long delayMillis, int maxDeliveries) {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setQueueType(queueType);
        spec.setConcurrency("1");
        spec.setMaxDeliveries(String.valueOf(maxDeliveries));
        spec.setRedeliveryDelayMillis(String.valueOf(delayMillis));
        spec.setMaxRedeliveryDelayMillis(String.valueOf(Math.max(delayMillis, 1)));
        spec.setReconnectIntervalMillis("200");
        if (delayMillis > 0) {
            broker.cleanUpQueue(Redeliveries.retryQueue(queue, delayMillis));
        }
        broker.cleanUpQueue(DeadLetters.parkingQueue(queue));
        return spec;
    }

    private void publish(Map<String, Object> headers) {
        broker.publish(queue, new AMQP.BasicProperties.Builder().contentType("text/plain").deliveryMode(2)
                .headers(headers).build(), "poison".getBytes(StandardCharsets.UTF_8));
    }

    private long parked() {
        try {
            return broker.messageCount(DeadLetters.parkingQueue(queue));
        } catch (IllegalStateException notYetDeclared) {
            return 0;
        }
    }

    /** A classic queue counts nothing itself: a count the publisher wrote left the message requeued forever. */
    @ParameterizedTest(name = "x-delivery-count={0}")
    @ValueSource(strings = {"0", "many"})
    void aPublishersDeliveryCountOnAClassicQueueIsNotBelieved(String count) throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            deliveries.incrementAndGet();
            throw new IllegalStateException("always fails");
        });
        try (Harness.Deployment ignored = harness.deploy(spec("classic", 0, 3), mdb)) {
            publish(Map.of("x-delivery-count", count.equals("0") ? (Object) 0L : count));
            Broker.await("the dead letter after 3 deliveries", WAIT, () -> parked() == 1,
                    () -> deliveries.get() + " deliveries");
        }
        assertEquals(3, deliveries.get());
        assertEquals(0, broker.messageCount(queue));
    }

    /** A forwarded x-warren-failures made a fresh message look spent: dead-lettered, its MDB never run. */
    @Test
    void aForwardedFailureCountDoesNotDeadLetterAFreshMessage() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> received.add(message.payload(String.class)));
        try (Harness.Deployment ignored = harness.deploy(spec("classic", 100, 3), mdb)) {
            publish(Map.of("x-warren-failures", 5, "x-warren-original-exchange", "elsewhere",
                    "x-warren-original-routing-key", "elsewhere"));
            Broker.await("the MDB runs", WAIT, () -> received.size() == 1, () -> parked() + " parked");
            Broker.await("the message acked", WAIT, () -> broker.messageCount(queue) == 0);
        }
        assertEquals(0, parked());
    }

    /**
     * The headers a copy back from its retry queue carries, forged by a publisher: RabbitMQ passes
     * its own x-death through unchanged, so only Warren's signature tells a real trip from this.
     */
    private Map<String, Object> forgedTrip(long delayMillis, int failures) {
        Map<String, Object> death = Map.of("queue", Redeliveries.retryQueue(queue, delayMillis), "reason", "expired",
                "count", 1L, "exchange", "", "routing-keys", List.of(queue));
        return Map.of("x-death", List.of(death), "x-warren-failures", failures,
                "x-warren-original-exchange", "forged-exchange", "x-warren-original-routing-key", "forged.key");
    }

    /**
     * A forged x-death naming the retry queue made a publisher's x-warren-failures believed: the fresh
     * message was dead-lettered without its MDB running, and would have shown it the forged origin.
     */
    @ParameterizedTest(name = "queueType={0}")
    @ValueSource(strings = {"classic", "quorum"})
    void aForgedRetryTripDoesNotDeadLetterAFreshMessage(String queueType) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false,
                message -> seen.add(message.exchange() + "/" + message.routingKey()));
        try (Harness.Deployment ignored = harness.deploy(spec(queueType, 100, 3), mdb)) {
            publish(forgedTrip(100, 3));
            Broker.await("the MDB runs or the message is dead-lettered", WAIT, () -> !seen.isEmpty() || parked() > 0);
            assertEquals(0, parked(), "dead-lettered without running the MDB: the forged trip was believed");
            Broker.await("the message acked", WAIT, () -> broker.messageCount(queue) == 0);
        }
        assertEquals(List.of("/" + queue), seen, "the envelope as received, not the forged origin");
        assertEquals(0, parked());
    }

    /** A forged trip counts nothing: a failing message still gets all its deliveries, its dead letter the real origin. */
    @Test
    void aMessageWithAForgedTripGetsAllItsDeliveriesAcrossRealTrips() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            deliveries.incrementAndGet();
            throw new IllegalStateException("always fails");
        });
        try (Harness.Deployment ignored = harness.deploy(spec("classic", 100, 3), mdb)) {
            publish(forgedTrip(100, 2));
            Broker.await("the dead letter", WAIT, () -> parked() == 1, () -> deliveries.get() + " deliveries");
        }
        assertEquals(3, deliveries.get());
        Map<String, Object> headers = broker.get(DeadLetters.parkingQueue(queue)).getProps().getHeaders();
        assertEquals(3, headers.get(DeadLetters.DELIVERIES));
        assertEquals("", String.valueOf(headers.get(DeadLetters.EXCHANGE)));
        assertEquals(queue, String.valueOf(headers.get(DeadLetters.ROUTING_KEY)));
        for (String trip : RetryTrip.HEADERS) {
            assertNull(headers.get(trip), trip + " is the trip's, not the dead letter's");
        }
    }

    /** A quorum queue's first delivery is the first, whatever x-delivery-count a publisher wrote on it. */
    @Test
    void aPublishersDeliveryCountOnAQuorumQueueIsNotBelieved() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            deliveries.incrementAndGet();
            throw new IllegalStateException("always fails");
        });
        try (Harness.Deployment ignored = harness.deploy(spec("quorum", 100, 3), mdb)) {
            publish(Map.of("x-delivery-count", 7L));
            Broker.await("the dead letter after 3 deliveries", WAIT, () -> parked() == 1,
                    () -> deliveries.get() + " deliveries");
        }
        assertEquals(3, deliveries.get());
    }
}
