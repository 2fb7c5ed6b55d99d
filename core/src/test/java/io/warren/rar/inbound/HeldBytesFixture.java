package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.metrics.ActivationMXBean;

import javax.management.JMX;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the {@code maxHeldBytes} tests set up (HeldBytesTest, NarrowedConsumerFaultsTest): a queue of
 * their own consumed by one MDB under a budget, numbered bodies of a size, and the activation's
 * metrics. Closing it deletes the queue and the dead-letter queue the adapter parks beside it.
 */
final class HeldBytesFixture implements AutoCloseable {

    static final int KIB = 1024;
    private static final Duration CONFIRMS = Duration.ofSeconds(30);

    final Broker broker = new Broker();
    final Harness harness = new Harness(1);
    final String queue;

    HeldBytesFixture(String hint) {
        queue = broker.queueName(hint);
        broker.cleanUpQueue(queue + ".dead-letters");
    }

    WarrenActivationSpec spec(int prefetch, int maxHeldBytes) {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setPrefetch(String.valueOf(prefetch));
        spec.setMaxHeldBytes(String.valueOf(maxHeldBytes));
        spec.setReconnectIntervalMillis("100");
        return spec;
    }

    /** Publishes bodies of the size, each with its number as message id, from {@code first} on. */
    void publish(int first, int count, int size) throws Exception {
        try (Channel channel = broker.channel()) {
            channel.confirmSelect();
            for (int i = first; i < first + count; i++) {
                channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().contentType("application/octet-stream")
                        .deliveryMode(2).messageId(String.valueOf(i)).build(), new byte[size]);
            }
            channel.waitForConfirmsOrDie(CONFIRMS.toMillis());
        }
    }

    /** @return the metrics of the queue's one activation */
    ActivationMXBean metrics() {
        try {
            Set<ObjectName> names = ManagementFactory.getPlatformMBeanServer().queryNames(
                    new ObjectName("io.warren:type=Activation,queue=" + queue + ",*"), null);
            assertEquals(1, names.size(), names::toString);
            return JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(), names.iterator().next(),
                    ActivationMXBean.class);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(queue, e);
        }
    }

    /** @return the message ids 0 to count - 1 */
    static List<String> numbers(int count) {
        return IntStream.range(0, count).mapToObj(String::valueOf).toList();
    }

    @Override
    public void close() {
        harness.close();
        broker.close();
    }
}
