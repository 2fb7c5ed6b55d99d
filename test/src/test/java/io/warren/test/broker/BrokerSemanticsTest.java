package io.warren.test.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the random differential tests do not reach (connection ends, exclusive and auto-delete
 * queues, transactions, queue TTL), and what they found, stated plainly (prefetch, requeue order,
 * quorum delivery counts): each test runs on both brokers and states what RabbitMQ does.
 */
class BrokerSemanticsTest {

    private final TwoBrokers brokers = new TwoBrokers("wtsem-", "warren-test semantics");

    private Connection connect(String broker) throws IOException, TimeoutException {
        return brokers.connect(broker);
    }

    private String queue(String name) {
        return brokers.queue(name);
    }

    @AfterEach
    void cleanUp() throws IOException, TimeoutException {
        brokers.close();
    }

    private static byte[] body(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int ready(Connection connection, String queue) throws IOException, TimeoutException {
        try (Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void prefetchHoldsBackDeliveriesUntilAnAck(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = connection.createChannel();
        String queue = queue("prefetch");
        channel.queueDeclare(queue, false, false, false, null);
        for (int i = 0; i < 5; i++) {
            channel.basicPublish("", queue, null, body("m" + i));
        }
        BlockingQueue<Long> tags = new LinkedBlockingQueue<>();
        channel.basicQos(2);
        channel.basicConsume(queue, false, (tag, delivery) -> tags.add(delivery.getEnvelope().getDeliveryTag()), tag -> { });

        Long first = tags.poll(5, TimeUnit.SECONDS);
        assertNotNull(tags.poll(5, TimeUnit.SECONDS));
        assertEquals(3, ready(connection, queue));
        channel.basicAck(first, false);
        assertNotNull(tags.poll(5, TimeUnit.SECONDS));
        assertEquals(2, ready(connection, queue));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aClosedChannelGivesBackItsUnackedMessagesMarkedRedelivered(String broker) throws Exception {
        Connection connection = connect(broker);
        String queue = queue("requeue");
        Channel first = connection.createChannel();
        first.queueDeclare(queue, false, false, false, null);
        first.basicPublish("", queue, null, body("a"));
        first.basicPublish("", queue, null, body("b"));
        assertFalse(first.basicGet(queue, false).getEnvelope().isRedeliver());
        first.close();

        Channel second = connection.createChannel();
        GetResponse again = second.basicGet(queue, true);
        assertEquals("a", new String(again.getBody(), StandardCharsets.UTF_8));
        assertTrue(again.getEnvelope().isRedeliver());
        assertFalse(second.basicGet(queue, true).getEnvelope().isRedeliver());
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void anExclusiveQueueIsLockedToItsConnectionAndGoesWithIt(String broker) throws Exception {
        Connection owner = connect(broker);
        Connection other = connect(broker);
        String queue = queue("exclusive");
        owner.createChannel().queueDeclare(queue, false, true, false, null);

        IOException locked = assertThrows(IOException.class, () -> other.createChannel().queueDeclarePassive(queue));
        assertEquals(405, closeCode(locked));
        owner.close();
        IOException gone = assertThrows(IOException.class, () -> other.createChannel().queueDeclarePassive(queue));
        assertEquals(404, closeCode(gone));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void anAutoDeleteQueueGoesWithItsLastConsumer(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = connection.createChannel();
        String queue = queue("auto-delete");
        channel.queueDeclare(queue, false, false, true, null);
        String tag = channel.basicConsume(queue, true, (consumerTag, delivery) -> { }, consumerTag -> { });
        channel.basicCancel(tag);

        IOException gone = assertThrows(IOException.class, () -> connection.createChannel().queueDeclarePassive(queue));
        assertEquals(404, closeCode(gone));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aTransactionPublishesOnCommitAndNothingOnRollback(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = connection.createChannel();
        String queue = queue("tx");
        channel.queueDeclare(queue, false, false, false, null);
        channel.txSelect();
        channel.basicPublish("", queue, null, body("kept"));
        assertEquals(0, ready(connection, queue));
        channel.txCommit();
        assertEquals(1, ready(connection, queue));
        channel.basicPublish("", queue, null, body("dropped"));
        channel.txRollback();
        assertEquals(1, ready(connection, queue));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aQuorumQueueCountsDeliveriesAndDeadLettersPastItsLimit(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = connection.createChannel();
        String queue = queue("quorum");
        String dead = queue("quorum-dead");
        channel.queueDeclare(dead, false, false, false, null);
        channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum", "x-delivery-limit", 1,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dead));
        channel.confirmSelect();
        channel.basicPublish("", queue, null, body("poison"));
        channel.waitForConfirmsOrDie(5_000);

        GetResponse first = channel.basicGet(queue, false);
        assertEquals(0L, ((Number) first.getProps().getHeaders().get("x-delivery-count")).longValue());
        channel.basicNack(first.getEnvelope().getDeliveryTag(), false, true);
        GetResponse second = awaitGet(channel, queue);
        assertTrue(second.getEnvelope().isRedeliver());
        assertEquals(1L, ((Number) second.getProps().getHeaders().get("x-delivery-count")).longValue());
        channel.basicNack(second.getEnvelope().getDeliveryTag(), false, true);

        GetResponse parked = awaitGet(channel, dead);
        List<?> deaths = (List<?>) parked.getProps().getHeaders().get("x-death");
        assertEquals("delivery_limit", String.valueOf(((Map<?, ?>) deaths.get(0)).get("reason")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aQuorumQueuePutsARequeuedMessageBehindTheOthersAndAClassicOneBackInItsPlace(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = connection.createChannel();
        String quorum = queue("quorum-order");
        String classic = queue("classic-order");
        channel.queueDeclare(quorum, true, false, false, Map.of("x-queue-type", "quorum"));
        channel.queueDeclare(classic, false, false, false, null);
        channel.confirmSelect();
        for (String queue : List.of(quorum, classic)) {
            channel.basicPublish("", queue, null, body("x"));
            channel.basicPublish("", queue, null, body("y"));
        }
        channel.waitForConfirmsOrDie(5_000);

        for (String queue : List.of(quorum, classic)) {
            channel.basicNack(awaitGet(channel, queue).getEnvelope().getDeliveryTag(), false, true);
        }
        assertEquals("y", new String(awaitGet(channel, quorum).getBody(), StandardCharsets.UTF_8));
        assertEquals("x", new String(awaitGet(channel, classic).getBody(), StandardCharsets.UTF_8));
    }

    /**
     * Unlike a nack, a closed channel gives a quorum queue its deliveries back in front of the
     * ready messages (rabbit_fifo's returns), consumer by consumer in the order of their tags, a
     * basic.get's after "0" and before "A" (RabbitMQ 3.10, measured; found by the differential test).
     */
    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aQuorumQueueTakesAClosedChannelsDeliveriesBackInFrontConsumerByConsumer(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel setup = connection.createChannel();
        String quorum = queue("quorum-returns");
        setup.queueDeclare(quorum, true, false, false, Map.of("x-queue-type", "quorum"));
        setup.confirmSelect();
        for (String text : List.of("a", "b", "c", "d")) {
            setup.basicPublish("", quorum, null, body(text));
        }
        setup.waitForConfirmsOrDie(5_000);

        Channel holder = connection.createChannel();
        holder.basicQos(1);
        BlockingQueue<String> delivered = new LinkedBlockingQueue<>();
        for (String tag : List.of("b-consumer", "a-consumer")) {
            holder.basicConsume(quorum, false, tag,
                    (consumerTag, delivery) -> delivered.add(new String(delivery.getBody(), StandardCharsets.UTF_8)),
                    consumerTag -> { });
            assertNotNull(delivered.poll(5, TimeUnit.SECONDS));
        }
        assertEquals("c", new String(awaitGet(holder, quorum).getBody(), StandardCharsets.UTF_8));
        holder.close();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ready(connection, quorum) < 4 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        List<String> order = new ArrayList<>();
        GetResponse got;
        while ((got = setup.basicGet(quorum, true)) != null) {
            order.add(new String(got.getBody(), StandardCharsets.UTF_8) + (got.getEnvelope().isRedeliver() ? "*" : ""));
        }
        assertEquals(List.of("c*", "b*", "a*", "d"), order);
    }

    /** With a delivery limit, a quorum queue puts a nacked or recovered message in front (RabbitMQ 3.10, measured). */
    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aQuorumQueueWithADeliveryLimitPutsARequeuedMessageInFront(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = connection.createChannel();
        String quorum = queue("quorum-limited-order");
        channel.queueDeclare(quorum, true, false, false, Map.of("x-queue-type", "quorum", "x-delivery-limit", 5));
        channel.confirmSelect();
        for (String text : List.of("x", "y", "z")) {
            channel.basicPublish("", quorum, null, body(text));
        }
        channel.waitForConfirmsOrDie(5_000);

        channel.basicNack(awaitGet(channel, quorum).getEnvelope().getDeliveryTag(), false, true);
        assertEquals("x", new String(awaitGet(channel, quorum).getBody(), StandardCharsets.UTF_8));
        channel.basicRecover(true);
        assertEquals("x", new String(awaitGet(channel, quorum).getBody(), StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aQueueTtlExpiresMessagesToTheDeadLetterExchange(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = connection.createChannel();
        String queue = queue("ttl");
        String dead = queue("ttl-dead");
        channel.queueDeclare(dead, false, false, false, null);
        channel.queueDeclare(queue, false, false, false, Map.of("x-message-ttl", 20,
                "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dead));
        channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().expiration("60000").build(), body("late"));

        GetResponse parked = awaitGet(channel, dead);
        Map<?, ?> death = (Map<?, ?>) ((List<?>) parked.getProps().getHeaders().get("x-death")).get(0);
        assertEquals("expired", String.valueOf(death.get("reason")));
        assertEquals("60000", String.valueOf(death.get("original-expiration")));
        assertEquals(null, parked.getProps().getExpiration());
    }

    /** Quorum queues and dead-lettering act on the broker's own time: poll, bounded. */
    private static GetResponse awaitGet(Channel channel, String queue) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        GetResponse response;
        while ((response = channel.basicGet(queue, false)) == null) {
            assertTrue(System.nanoTime() < deadline, "nothing came to " + queue);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return response;
    }

    private static int closeCode(IOException failure) {
        ShutdownSignalException signal = (ShutdownSignalException) failure.getCause();
        return ((AMQP.Channel.Close) signal.getReason()).getReplyCode();
    }
}
