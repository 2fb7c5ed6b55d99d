package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.InboundFixture;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A failed message comes back after its delay, growing with each failure, through retry queues on
 * the broker: counted against maxDeliveries, other messages flowing meanwhile, and kept while the
 * broker restarts. The delays are the feature, so they are measured and asserted with bounds.
 */
@Isolated("stops the broker, and asserts redelivery delays with an upper bound that a busy machine would stretch")
class RedeliveryDelayTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final AMQP.BasicProperties PERSISTENT_TEXT = new AMQP.BasicProperties.Builder()
            .contentType("text/plain").deliveryMode(2).build();

    @RegisterExtension
    final InboundFixture fixture = new InboundFixture("redelivery");
    private final Broker broker = fixture.broker();
    private final Harness harness = fixture.harness();
    private final String queue = fixture.queue();

    private WarrenActivationSpec spec(String queueType, long delayMillis, long maxDelayMillis, int maxDeliveries) {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setQueueType(queueType);
        spec.setConcurrency("1");
        spec.setMaxDeliveries(String.valueOf(maxDeliveries));
        spec.setRedeliveryDelayMillis(String.valueOf(delayMillis));
        spec.setMaxRedeliveryDelayMillis(String.valueOf(maxDelayMillis));
        spec.setReconnectIntervalMillis("200");
        RedeliveryDelays delays = spec.inboundSettings().redeliveryDelays();
        for (long delay : delays.all(maxDeliveries)) {
            broker.cleanUpQueue(Redeliveries.retryQueue(queue, delay));
        }
        broker.cleanUpQueue(queue + ".dead-letters");
        return spec;
    }

    /** @return the messages parked as dead letters; 0 before the parking queue is made */
    private long deadLetters() {
        try {
            return broker.messageCount(queue + ".dead-letters");
        } catch (IllegalStateException notYetDeclared) {
            return 0;
        }
    }

    private void publish(String text) {
        broker.publish(queue, PERSISTENT_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0} queue")
    @ValueSource(strings = {"classic", "quorum"})
    void failedDeliveriesComeBackAfterGrowingDelaysThenAreDeadLettered(String queueType) throws Exception {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            arrivals.add(System.nanoTime());
            throw new IllegalStateException("the database is failing over");
        });
        // 100 ms, doubling, at most 1 s; the 6th failure is the last: waits 100, 200, 400, 800, 1000
        try (Harness.Deployment ignored = harness.deploy(spec(queueType, 100, 1_000, 6), mdb)) {
            publish("poison");
            Broker.await("the message dead-lettered after 6 deliveries", WAIT,
                    () -> arrivals.size() == 6 && deadLetters() == 1, arrivals::toString);
        }
        assertEquals(6, arrivals.size(), "delivered maxDeliveries times, no more");
        List<Long> since = new ArrayList<>();
        List<Long> gaps = new ArrayList<>();
        for (int i = 0; i < arrivals.size(); i++) {
            since.add((arrivals.get(i) - arrivals.get(0)) / 1_000_000);
            if (i > 0) {
                gaps.add((arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000);
            }
        }
        System.out.printf("redelivery delays, %s queue, 100 ms x2 max 1 s: attempts at %s ms, gaps %s ms%n",
                queueType, since, gaps);
        long[] expected = {100, 200, 400, 800, 1_000};
        for (int i = 0; i < expected.length; i++) {
            // the broker expires to the millisecond; the round trip adds a little, a busy machine more
            assertTrue(gaps.get(i) >= expected[i] - 5 && gaps.get(i) <= expected[i] + 1_500,
                    "gap " + (i + 1) + " is " + gaps.get(i) + " ms, configured " + expected[i] + " ms: " + gaps);
        }
        GetResponse deadLetter = broker.get(queue + ".dead-letters");
        assertEquals(6, deadLetter.getProps().getHeaders().get(DeadLetters.DELIVERIES));
        assertTrue(!deadLetter.getProps().getHeaders().containsKey(Redeliveries.FAILURES),
                "a dead letter carries the count once, in " + DeadLetters.DELIVERIES);
        assertEquals(0, broker.messageCount(queue));
        for (long delay : new long[] {100, 200, 400, 800, 1_000}) {
            assertEquals(0, broker.messageCount(Redeliveries.retryQueue(queue, delay)), "retry queue " + delay);
        }
    }

    @ParameterizedTest(name = "{0} queue")
    @ValueSource(strings = {"classic", "quorum"})
    void otherMessagesFlowWhileAFailedOneWaits(String queueType) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            String text = message.payload(String.class);
            received.add(text);
            if (text.equals("fails-once") && failures.merge(text, 1, Integer::sum) == 1) {
                throw new IllegalStateException("first delivery fails");
            }
        });
        try (Harness.Deployment ignored = harness.deploy(spec(queueType, 2_000, 2_000, 5), mdb)) {
            publish("fails-once");
            Broker.await("the first delivery", WAIT, () -> received.size() == 1);
            for (int i = 1; i <= 3; i++) {
                publish("next-" + i);
            }
            Broker.await("all delivered, the failed one last", WAIT, () -> received.size() == 5, received::toString);
        }
        assertEquals(List.of("fails-once", "next-1", "next-2", "next-3", "fails-once"), received,
                "the messages behind the failed one do not wait for its delay");
        assertEquals(0, broker.messageCount(queue));
    }

    @ParameterizedTest(name = "{0} queue")
    @ValueSource(strings = {"classic", "quorum"})
    void aMessageWaitingForItsRetryIsKeptWhileTheBrokerRestarts(String queueType) throws Exception {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            arrivals.add(System.nanoTime());
            if (arrivals.size() == 1) {
                throw new IllegalStateException("first delivery fails");
            }
        });
        long delay = 12_000;
        String retryQueue = Redeliveries.retryQueue(queue, delay);
        try (Harness.Deployment deployment = harness.deploy(spec(queueType, delay, delay, 5), mdb)) {
            publish("survives");
            Broker.await("the failed message waiting in its retry queue", WAIT,
                    () -> arrivals.size() == 1 && broker.messageCount(retryQueue) == 1);
            try {
                Broker.rabbitmqctl("stop_app");
            } finally {
                Broker.rabbitmqctl("start_app");
                Broker.rabbitmqctl("await_startup");
            }
            assertEquals(1, arrivals.size(), "not delivered again during the restart");
            Broker.await("the message delivered again after the restart", WAIT, () -> arrivals.size() == 2);
            Broker.await("the consumer back", WAIT, () -> deployment.consumers() == 1);
        }
        long gap = (arrivals.get(1) - arrivals.get(0)) / 1_000_000;
        System.out.printf("redelivery across a broker restart, %s queue: delay %d ms, came back after %d ms%n",
                queueType, delay, gap);
        assertTrue(gap >= delay - 5, "came back after " + gap + " ms, not before the delay of " + delay + " ms");
        assertEquals(0, broker.messageCount(queue));
        assertEquals(0, broker.messageCount(retryQueue));
    }
}
