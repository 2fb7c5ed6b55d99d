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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Settling deliveries as RabbitMQ 3.10's channel does (rabbit_channel:collect_acks): ack, nack and
 * reject name a tag the channel still waits for, with {@code multiple} too, or the channel is
 * closed with 406 and nothing is settled; tag 0 with {@code multiple} settles everything
 * outstanding. Each test runs on both brokers.
 */
class AcknowledgementTest {

    private static final int PRECONDITION_FAILED = 406;
    private static final int OPEN = 0;

    private final TwoBrokers brokers = new TwoBrokers("wtack-", "warren-test acknowledgements");
    private final String queue = brokers.queue("q");

    @AfterEach
    void cleanUp() throws IOException, TimeoutException {
        brokers.close();
    }

    private Connection connect(String broker) throws IOException, TimeoutException {
        return brokers.connect(broker);
    }

    /** A channel holding the queue's first {@code taken} of {@code messages} messages unacked (tags 1..taken). */
    private Channel holding(Connection connection, int messages, int taken) throws IOException, TimeoutException,
            InterruptedException {
        try (Channel publisher = connection.createChannel()) {
            publisher.queueDeclare(queue, false, false, false, null);
            publisher.confirmSelect();
            for (int i = 0; i < messages; i++) {
                publisher.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            publisher.waitForConfirmsOrDie(5_000);
        }
        Channel channel = connection.createChannel();
        for (int i = 1; i <= taken; i++) {
            assertEquals(i, channel.basicGet(queue, false).getEnvelope().getDeliveryTag());
        }
        return channel;
    }

    interface Settlement {
        void on(Channel channel) throws IOException;
    }

    /** @return the reply code the channel was closed with after the settlement, or {@link #OPEN} */
    private static int closeCodeAfter(Channel channel, Settlement settlement) throws IOException {
        try {
            settlement.on(channel);
            channel.basicQos(0); // a synchronous call: an error of the asynchronous settlement shows here
            return OPEN;
        } catch (IOException | ShutdownSignalException e) {
            ShutdownSignalException signal = channel.getCloseReason();
            assertTrue(signal != null && signal.getReason() instanceof AMQP.Channel.Close, "no channel close: " + e);
            AMQP.Channel.Close close = (AMQP.Channel.Close) signal.getReason();
            assertTrue(close.getReplyText().contains("unknown delivery tag"), close.getReplyText());
            return close.getReplyCode();
        }
    }

    /** @return the queue's messages, taken out, as body and redelivered flag */
    private List<String> drain(Connection connection, int expected) throws IOException, TimeoutException {
        List<String> found = new ArrayList<>();
        try (Channel channel = connection.createChannel()) {
            // a closed channel's deliveries go back to the queue asynchronously in RabbitMQ: wait, bounded
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (channel.queueDeclarePassive(queue).getMessageCount() < expected && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            GetResponse got;
            while ((got = channel.basicGet(queue, true)) != null) {
                found.add(new String(got.getBody(), StandardCharsets.UTF_8)
                        + (got.getEnvelope().isRedeliver() ? " redelivered" : ""));
            }
        }
        return found;
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aMultipleAckOfAnUnknownTagClosesTheChannelAndAcksNothing(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = holding(connection, 3, 2);

        assertEquals(PRECONDITION_FAILED, closeCodeAfter(channel, c -> c.basicAck(5, true)));
        assertEquals(List.of("m0 redelivered", "m1 redelivered", "m2"), drain(connection, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aMultipleNackOfAnUnknownTagClosesTheChannelAndDropsNothing(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = holding(connection, 3, 2);

        assertEquals(PRECONDITION_FAILED, closeCodeAfter(channel, c -> c.basicNack(5, true, false)));
        assertEquals(List.of("m0 redelivered", "m1 redelivered", "m2"), drain(connection, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aRejectOfAnUnknownTagClosesTheChannel(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = holding(connection, 2, 1);

        assertEquals(PRECONDITION_FAILED, closeCodeAfter(channel, c -> c.basicReject(2, false)));
        assertEquals(List.of("m0 redelivered", "m1"), drain(connection, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aSecondMultipleAckOfTheSameTagClosesTheChannel(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = holding(connection, 3, 2);

        assertEquals(OPEN, closeCodeAfter(channel, c -> c.basicAck(2, true)));
        assertEquals(PRECONDITION_FAILED, closeCodeAfter(channel, c -> c.basicAck(2, true)));
        assertEquals(List.of("m2"), drain(connection, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aMultipleAckOfAnAlreadyAckedTagClosesTheChannelEvenWithLaterTagsOutstanding(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = holding(connection, 3, 3);

        assertEquals(OPEN, closeCodeAfter(channel, c -> c.basicAck(1, false)));
        assertEquals(PRECONDITION_FAILED, closeCodeAfter(channel, c -> c.basicNack(1, true, false)));
        assertEquals(List.of("m1 redelivered", "m2 redelivered"), drain(connection, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aSingleAckOfTagZeroClosesTheChannel(String broker) throws Exception {
        Connection connection = connect(broker);
        Channel channel = holding(connection, 1, 1);

        assertEquals(PRECONDITION_FAILED, closeCodeAfter(channel, c -> c.basicAck(0, false)));
        assertEquals(List.of("m0 redelivered"), drain(connection, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aMultipleAckOfTagZeroAcksEverythingOutstandingAndIsHarmlessWithNothingOutstanding(String broker)
            throws Exception {
        Connection connection = connect(broker);
        Channel channel = holding(connection, 3, 2);

        assertEquals(OPEN, closeCodeAfter(channel, c -> c.basicAck(0, true)));
        assertEquals(OPEN, closeCodeAfter(channel, c -> c.basicAck(0, true)));
        channel.close();
        assertEquals(List.of("m2"), drain(connection, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aTransactionsRollbackMakesItsAckedTagAckableAgain(String broker)
            throws Exception {
        Connection connection = connect(broker);
        Channel channel = connection.createChannel();
        channel.queueDeclare(queue, false, false, false, null);
        channel.basicPublish("", queue, null, "m0".getBytes(StandardCharsets.UTF_8));
        channel.basicPublish("", queue, null, "m1".getBytes(StandardCharsets.UTF_8));
        channel.txSelect();
        GetResponse first = awaitGet(channel);
        assertEquals(1, first.getEnvelope().getDeliveryTag());

        assertEquals(OPEN, closeCodeAfter(channel, c -> c.basicAck(1, false)));
        channel.txRollback();
        assertEquals(OPEN, closeCodeAfter(channel, c -> c.basicAck(1, false)));
        channel.txCommit();
        assertEquals(PRECONDITION_FAILED, closeCodeAfter(channel, c -> c.basicAck(1, false)));
        assertEquals(List.of("m1"), drain(connection, 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "real"})
    void aSecondAckOfATagInOneTransactionClosesTheChannelAndTheTransactionsAcksAreUndone(String broker)
            throws Exception {
        Connection connection = connect(broker);
        Channel channel = holding(connection, 2, 2);
        channel.txSelect();

        assertEquals(OPEN, closeCodeAfter(channel, c -> c.basicAck(1, false)));
        assertEquals(PRECONDITION_FAILED, closeCodeAfter(channel, c -> c.basicAck(1, true)));
        assertEquals(List.of("m0 redelivered", "m1 redelivered"), drain(connection, 2));
    }

    private GetResponse awaitGet(Channel channel) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        GetResponse response;
        while ((response = channel.basicGet(queue, false)) == null) {
            assertTrue(System.nanoTime() < deadline, "nothing came to " + queue);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return response;
    }
}
