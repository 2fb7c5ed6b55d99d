package io.warren.rar.harness;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The checker's consumer count, which replaced rabbitmqctl's in the tests that wait on it: it must
 * say what {@code rabbitmqctl list_queues name consumers} says, and tell a missing queue apart.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class BrokerTest {

    private final Broker broker = new Broker();

    @AfterEach
    void cleanUp() {
        broker.close();
    }

    @Test
    void countsTheConsumersOfAQueueAsRabbitmqctlDoes() throws Exception {
        String queue = broker.queueName("consumer-count");
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(queue, false, false, false, null);
            assertEquals(0, broker.consumerCount(queue));
            channel.basicConsume(queue, false, new DefaultConsumer(channel));
            channel.basicConsume(queue, false, new DefaultConsumer(channel));
            assertEquals(2, broker.consumerCount(queue));
            assertEquals(rabbitmqctlConsumers(queue), broker.consumerCount(queue));
        }
        assertEquals(0, broker.consumerCount(queue), "the consumers went with their channel");
    }

    @Test
    void aQueueThatDoesNotExistCountsMinusOneAndTheCheckerGoesOn() {
        assertEquals(-1, broker.consumerCount(broker.queueName("never-declared")));
        String queue = broker.queueName("after-the-missing-one");
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(queue, false, false, false, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertEquals(0, broker.consumerCount(queue), "the checker's connection survived the 404");
    }

    private static int rabbitmqctlConsumers(String queue) {
        for (String line : Broker.rabbitmqctl("list_queues", "name", "consumers").split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 2 && columns[0].equals(queue)) {
                return Integer.parseInt(columns[1]);
            }
        }
        return -1;
    }
}
