package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import io.warren.rar.harness.AckFrameProxy;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ackEvery}: how many acks of successful deliveries a consumer holds at most before it
 * sends them as one. Seen on the wire ({@link AckFrameProxy} between the consumers and the
 * broker), since the broker's counts cannot tell one ack of ten from ten acks.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class AckEveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(1);
    private final AckFrameProxy proxy = new AckFrameProxy();
    private final String queue = broker.queueName("ack-every");

    @AfterEach
    void cleanUp() {
        harness.close();
        proxy.close();
        broker.close();
    }

    private void publish(int count) {
        try (var connection = harness.factory().getConnection()) {
            connection.declare(io.warren.Queue.named(queue));
        }
        byte[][] bodies = new byte[count][];
        for (int i = 0; i < count; i++) {
            bodies[i] = ("m-" + i).getBytes(StandardCharsets.UTF_8);
        }
        broker.publish(queue, new AMQP.BasicProperties.Builder().contentType("text/plain").build(), bodies);
    }

    /** Consumes {@code count} messages through the proxy and waits until the broker has them all acked. */
    private List<AckFrameProxy.Ack> consume(int count, int concurrency, int prefetch, String ackEvery) throws Exception {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setDeclare("false");
        spec.setConcurrency(Integer.toString(concurrency));
        spec.setPrefetch(Integer.toString(prefetch));
        if (ackEvery != null) {
            spec.setAckEvery(ackEvery);
        }
        spec.setPort(proxy.port());
        AtomicInteger received = new AtomicInteger();
        try (Harness.Deployment deployment = harness.deploy(spec, new TestEndpointFactory(false,
                message -> received.incrementAndGet()))) {
            Broker.await("every message consumed and acked", WAIT, () -> received.get() == count
                            && Broker.unacknowledged(queue) == 0 && broker.messageCount(queue) == 0,
                    () -> "received " + received.get() + ", unacked " + Broker.unacknowledged(queue));
            return proxy.acks();
        }
    }

    /** @return how many deliveries each ack settled: its tag less the channel's previous ack's */
    private static int widestAck(List<AckFrameProxy.Ack> acks) {
        Map<String, Long> lastTag = new HashMap<>();
        int widest = 0;
        for (AckFrameProxy.Ack ack : acks) {
            String channel = ack.connection() + "/" + ack.channel();
            long previous = lastTag.getOrDefault(channel, 0L);
            widest = Math.max(widest, (int) (ack.multiple() ? ack.tag() - previous : 1));
            lastTag.put(channel, Math.max(previous, ack.tag()));
        }
        return widest;
    }

    @Test
    void withAckEveryOneEachDeliveryIsAckedOnItsOwn() throws Exception {
        int total = 300;
        publish(total);
        List<AckFrameProxy.Ack> acks = consume(total, 1, 50, "1");
        assertEquals(total, acks.size(), "one basic.ack per delivery");
        assertFalse(acks.stream().anyMatch(AckFrameProxy.Ack::multiple), "no ack with multiple");
        for (int i = 0; i < total; i++) {
            assertEquals(i + 1, acks.get(i).tag(), "the acks in the order of the deliveries");
        }
    }

    @ParameterizedTest(name = "prefetch {1}, ackEvery {2}: at most {3} per ack")
    @CsvSource({"1, 50, 5, 5", "2, 250, , 25", "2, 1000, , 25", "1, 50, 50, 50"})
    void noAckSettlesMoreDeliveriesThanAckEvery(int concurrency, int prefetch, String ackEvery, int most)
            throws Exception {
        int total = 1_000;
        publish(total);
        List<AckFrameProxy.Ack> acks = consume(total, concurrency, prefetch, ackEvery);
        int widest = widestAck(acks);
        assertTrue(widest <= most, "an ack settled " + widest + " deliveries, more than " + most);
        assertTrue(acks.size() < total, acks.size() + " acks for " + total + " deliveries: none coalesced");
    }

    @Test
    void acksHeldBelowAckEveryAreSentWhenTheConsumerRunsOutOfWork() throws Exception {
        publish(7);
        // 7 deliveries never reach ackEvery=50: their acks go when the consumer has nothing more to do
        List<AckFrameProxy.Ack> acks = consume(7, 1, 50, "50");
        assertEquals(7, acks.get(acks.size() - 1).tag(), "the last delivery acked");
    }
}
