package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.BrokerSetting;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.metrics.ActivationMXBean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import javax.management.JMX;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A consumer narrowed by {@code maxHeldBytes} whose channel the broker closes is replaced, and nothing is lost. */
@ResourceLock(Broker.LOCK) // changes the broker's consumer timeout and channel tick interval
class NarrowedConsumerFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int KIB = 1024;

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(1);
    private final String queue = broker.queueName("narrowed-faults");

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private WarrenActivationSpec spec(int prefetch, int maxHeldBytes) {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setConcurrency("1");
        spec.setPrefetch(String.valueOf(prefetch));
        spec.setMaxHeldBytes(String.valueOf(maxHeldBytes));
        spec.setReconnectIntervalMillis("100");
        return spec;
    }

    private void publish(int first, int count, int size) throws Exception {
        try (Channel channel = broker.channel()) {
            channel.confirmSelect();
            for (int i = first; i < first + count; i++) {
                channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().contentType("application/octet-stream")
                        .deliveryMode(2).messageId(String.valueOf(i)).build(), new byte[size]);
            }
            channel.waitForConfirmsOrDie(WAIT.toMillis());
        }
    }

    private ActivationMXBean metrics() throws MalformedObjectNameException {
        Set<ObjectName> names = ManagementFactory.getPlatformMBeanServer().queryNames(
                new ObjectName("io.warren:type=Activation,queue=" + queue + ",*"), null);
        assertEquals(1, names.size(), names::toString);
        return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), names.iterator().next(),
                ActivationMXBean.class);
    }

    private static List<String> numbers(int count) {
        return IntStream.range(0, count).mapToObj(String::valueOf).toList();
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
            try (Harness.Deployment deployment = harness.deploy(spec(20, budget), mdb)) {
                Broker.await("a consumer", WAIT, () -> broker.consumerCount(queue) == 1);
                ActivationMXBean metrics = metrics();
                publish(0, count, size);
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
