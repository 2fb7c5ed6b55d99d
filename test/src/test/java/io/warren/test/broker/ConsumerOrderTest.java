package io.warren.test.broker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
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

/**
 * Which consumer a queue picks, and in which order a channel's settled deliveries are
 * dead-lettered, as RabbitMQ 3.10 does it; each found by the consumer scenarios of the
 * differential test (seed 3), each run on both brokers.
 */
class ConsumerOrderTest {

    private final TwoBrokers brokers = new TwoBrokers("wtord-", "warren-test consumer order");
    /** Which consumer got which message, as "consumer:body". */
    private final BlockingQueue<String> deliveries = new LinkedBlockingQueue<>();

    @AfterEach
    void cleanUp() throws IOException, TimeoutException {
        brokers.close();
    }

    private Connection connect(String broker) throws IOException, TimeoutException {
        return brokers.connect(broker);
    }

    private String queue(String name) {
        return brokers.queue(name);
    }

    private String consume(Channel channel, String queue, String tag, boolean autoAck) throws IOException {
        return channel.basicConsume(queue, autoAck, tag, (consumerTag, delivery) ->
                deliveries.add(consumerTag + ":" + new String(delivery.getBody(), StandardCharsets.UTF_8)),
                consumerTag -> { });
    }

    private static void publish(Channel confirmed, String queue, String text) throws Exception {
        confirmed.basicPublish("", queue, null, text.getBytes(StandardCharsets.UTF_8));
        confirmed.waitForConfirmsOrDie(5_000);
    }

    private String next() throws InterruptedException {
        String delivery = deliveries.poll(5, TimeUnit.SECONDS);
        return delivery == null ? "nothing in 5 s" : delivery;
    }

    /** The consumer served goes to the back of the line; a new one joins at the back. */
    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aClassicQueueServesItsConsumersInTheOrderOfALineTheServedOneGoesToTheBackOf(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel publisher = connection.createChannel();
        String queue = queue("line");
        publisher.queueDeclare(queue, false, false, false, null);
        publisher.confirmSelect();
        Channel first = connection.createChannel();
        Channel second = connection.createChannel();
        consume(first, queue, "c0", true);
        String leaving = consume(second, queue, "c1", true);

        publish(publisher, queue, "m0");
        assertEquals("c0:m0", next());
        second.basicCancel(leaving);
        consume(second, queue, "c2", true);
        publish(publisher, queue, "m1");
        assertEquals("c0:m1", next(), "c0, served, went behind c1; c1 left; c2 joined behind c0");
    }

    /** A quorum consumer whose credit ran out leaves the line and joins it again, at the back, when freed. */
    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aQuorumConsumerFreedByAnAckJoinsTheLineAtTheBack(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel publisher = connection.createChannel();
        String queue = queue("quorum-line");
        publisher.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
        publisher.confirmSelect();
        Channel unlimited = connection.createChannel();
        Channel limited = connection.createChannel();
        limited.basicQos(1);
        consume(unlimited, queue, "c0", true);
        consume(limited, queue, "c1", false);

        publish(publisher, queue, "m0");
        assertEquals("c0:m0", next());
        publish(publisher, queue, "m1");
        assertEquals("c1:m1", next());
        publish(publisher, queue, "m2");
        assertEquals("c0:m2", next());
        limited.basicAck(1, false);
        limited.basicQos(1); // a round trip: the ack is in before the next publish
        publish(publisher, queue, "m3");
        assertEquals("c0:m3", next());
    }

    /** A multiple nack settles consumer by consumer: basic.get's deliveries (no consumer) first. */
    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aMultipleNackDeadLettersAChannelsDeliveriesConsumerByConsumer(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel publisher = connection.createChannel();
        String dead = queue("dead");
        String queue = queue("nacked");
        publisher.queueDeclare(dead, false, false, false, null);
        publisher.queueDeclare(queue, false, false, false, Map.of("x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", dead));
        publisher.confirmSelect();
        Channel channel = connection.createChannel();
        String consumer = consume(channel, queue, "c0", false);
        publish(publisher, queue, "m0");
        publish(publisher, queue, "m1");
        assertEquals("c0:m0", next());
        assertEquals("c0:m1", next());
        channel.basicCancel(consumer);
        publish(publisher, queue, "m2");
        GetResponse got = channel.basicGet(queue, false);
        assertEquals(3, got.getEnvelope().getDeliveryTag());

        channel.basicNack(3, true, false);
        List<String> order = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (order.size() < 3 && System.nanoTime() < deadline) {
            GetResponse parked = publisher.basicGet(dead, true);
            if (parked == null) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            } else {
                order.add(new String(parked.getBody(), StandardCharsets.UTF_8));
            }
        }
        assertEquals(List.of("m2", "m0", "m1"), order);
    }
}
