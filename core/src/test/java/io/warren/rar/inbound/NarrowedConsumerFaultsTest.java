package io.warren.rar.inbound;

import io.warren.rar.harness.Broker;
import io.warren.rar.harness.BrokerSetting;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.metrics.ActivationMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.warren.rar.inbound.HeldBytesFixture.KIB;
import static io.warren.rar.inbound.HeldBytesFixture.numbers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A consumer narrowed by {@code maxHeldBytes} whose channel the broker closes is replaced, and nothing is lost. */
@ResourceLock(Broker.LOCK) // changes the broker's consumer timeout and channel tick interval
class NarrowedConsumerFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final HeldBytesFixture fixture = new HeldBytesFixture("narrowed-faults");
    private final Broker broker = fixture.broker;
    private final Harness harness = fixture.harness;
    private final String queue = fixture.queue;

    @AfterEach
    void cleanUp() {
        fixture.close();
    }

    @Test
    void aChannelTheBrokerClosesWhileNarrowedIsReplacedAndLosesNothing() throws Exception {
        int size = 64 * KIB;
        int budget = 512 * KIB;
        int count = 30;
        CountDownLatch letGo = new CountDownLatch(1);
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            if (message.messageId().equals("0") && !message.redelivered()) {
                try {
                    // held past the broker's consumer timeout: the broker closes the narrowed channel meanwhile
                    letGo.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            received.add(message.messageId());
        });
        try (BrokerSetting timeout = BrokerSetting.rabbitEnv("consumer_timeout");
             BrokerSetting tick = BrokerSetting.rabbitEnv("channel_tick_interval")) {
            timeout.set("1000");
            tick.set("500");
            try (Harness.Deployment deployment = harness.deploy(fixture.spec(20, budget), mdb)) {
                Broker.await("a consumer", WAIT, () -> broker.consumerCount(queue) == 1);
                ActivationMXBean metrics = fixture.metrics();
                fixture.publish(0, count, size);
                Broker.await("every message run once, after the replacement", WAIT, () -> received.size() >= count,
                        () -> received.size() + " run, throttles " + metrics.getThrottles());
                letGo.countDown();
                Broker.await("everything acked", WAIT, () -> broker.messageCount(queue) == 0
                        && Broker.unacknowledged(queue) == 0);
                assertTrue(metrics.getThrottles() >= 1, "throttles " + metrics.getThrottles());
                assertEquals(count, received.size(), received::toString);
                assertEquals(Set.copyOf(numbers(count)), new HashSet<>(received));
                Broker.await("one consumer again, no body held", WAIT, () -> deployment.consumers() == 1
                        && broker.consumerCount(queue) == 1 && metrics.getHeldBytes() == 0,
                        () -> "held " + metrics.getHeldBytes());
            }
        } finally {
            letGo.countDown();
        }
    }
}
