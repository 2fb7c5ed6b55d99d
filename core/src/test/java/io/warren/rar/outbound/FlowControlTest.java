package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.Exchange;
import io.warren.Producer;
import io.warren.PublishException;
import io.warren.Queue;
import io.warren.rar.config.FlowControl;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.BrokerSetting;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real memory alarm. The broker blocks a connection, and tells it so with
 * {@code connection.blocked}, when it publishes under the alarm; from then on publishes fail within
 * publishBlockedTimeoutMillis naming the broker's reason, or go ahead if it unblocks in time.
 */
@ResourceLock(Broker.LOCK) // raises the broker's memory alarm
class FlowControlTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2, managed -> managed.setPublishBlockedTimeoutMillis(1000));
    private final String queue = broker.queueName("blocked");
    private final Exchange exchange = Exchange.direct(broker.exchangeName("blocked"));
    private final Logger flowLog = Logger.getLogger(FlowControl.class.getName());
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** The watermark as the broker had it, read before the first change; null until then. */
    private BrokerSetting watermark;

    FlowControlTest() {
        flowLog.addHandler(capture);
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(exchange, "k").build());
        }
    }

    @AfterEach
    void cleanUp() {
        clearTheAlarm();
        flowLog.removeHandler(capture);
        harness.close();
        broker.close();
    }

    private void clearTheAlarm() {
        if (watermark != null) {
            watermark.close();
        }
    }

    /** @return records of this harness's connections at that level */
    private long logged(Level level) {
        return records.stream().filter(record -> record.getLevel() == level)
                .filter(record -> String.valueOf(record.getParameters()[0]).startsWith(harness.connectionName()))
                .count();
    }

    /** Raises the memory alarm with a tiny watermark, after reading the broker's own to put it back. */
    private void raiseTheAlarm() {
        if (watermark == null) {
            watermark = BrokerSetting.memoryHighWatermark();
        }
        watermark.set("0.0000001");
        Broker.await("the broker to raise its memory alarm", Duration.ofSeconds(30), Broker::memoryAlarm);
    }

    @Test
    void publishingUnderAMemoryAlarmFailsInTimeWithTheBrokersReasonAndTheConnectionKeepsServing() throws Exception {
        Producer plain = harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build());
        Producer confirmed = harness.factory().producer(Producer.to(exchange.name()).routingKey("k")
                .confirms(Duration.ofSeconds(30)).build());
        plain.publish("before the alarm");
        try {
            raiseTheAlarm();
            plain.publish("sent as the alarm starts, kept until it ends");
            Broker.await("Warren to log the block", Duration.ofSeconds(30), () -> logged(Level.WARNING) == 1);

            PublishException refused = assertThrows(PublishException.class, () -> plain.publish("under the alarm"));
            assertTrue(refused.getMessage().contains("low on memory"), refused.getMessage());
            assertTrue(refused.getMessage().contains("PT1S"), refused.getMessage());

            CompletableFuture<Void> future = confirmed.publishConfirmed("under the alarm, confirmed");
            ExecutionException failed = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
            assertInstanceOf(PublishException.class, failed.getCause());
            assertTrue(failed.getCause().getMessage().contains("low on memory"), failed.getCause().getMessage());
        } finally {
            clearTheAlarm();
        }
        Broker.await("Warren to log the unblock", Duration.ofSeconds(30), () -> logged(Level.INFO) == 1);
        plain.publish("after the alarm");
        confirmed.publish("after the alarm, confirmed");
        Broker.await("the messages sent outside the alarm and the one that started the block",
                Duration.ofSeconds(10), () -> broker.messageCount(queue) == 4);
        assertEquals(1, logged(Level.WARNING), "the block is logged once");
        assertEquals(1, logged(Level.INFO), "the unblock is logged once");
    }

    @Test
    void aPublishWaitingUnderTheAlarmGoesAheadWhenTheBrokerUnblocksInTime() throws Exception {
        Harness patient = new Harness(2, managed -> managed.setPublishBlockedTimeoutMillis(120_000));
        try {
            Producer plain = patient.factory().producer(Producer.to(exchange.name()).routingKey("k").build());
            Producer producer = patient.factory().producer(Producer.to(exchange.name()).routingKey("k")
                    .confirms(Duration.ofSeconds(30)).build());
            plain.publish("before the alarm");
            CompletableFuture<Void> waiting;
            try {
                raiseTheAlarm();
                plain.publish("sent as the alarm starts, kept until it ends");
                Broker.await("Warren to log the block", Duration.ofSeconds(30), () -> records.stream()
                        .anyMatch(record -> String.valueOf(record.getParameters()[0]).startsWith(patient.connectionName())));
                waiting = CompletableFuture.runAsync(() -> producer.publish("waits for the unblock"));
            } finally {
                clearTheAlarm();
            }
            waiting.get(60, TimeUnit.SECONDS);
            assertEquals(3, broker.messageCount(queue));
        } finally {
            patient.close();
        }
    }

    /** A transaction that published as the alarm started: the broker blocked it, so it cannot commit. */
    @Test
    void aTransactionTheBrokerBlocksEndsUncommittedAndNoChannelOrTransactionPublishesWhileBlocked() {
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build());
        producer.publish("before the alarm");
        try {
            raiseTheAlarm();
            IllegalStateException notCommitted = assertThrows(IllegalStateException.class,
                    () -> harness.inTransaction(() -> {
                        producer.publish("in a transaction, as the alarm starts");
                        Broker.await("Warren to log the block", Duration.ofSeconds(30), () -> logged(Level.WARNING) == 1);
                    }));
            assertTrue(notCommitted.getMessage().contains("Did not commit"), notCommitted.getMessage());
            assertTrue(notCommitted.getMessage().contains("low on memory"), notCommitted.getMessage());
            assertTrue(notCommitted.getMessage().contains("publishBlockedTimeoutMillis"), notCommitted.getMessage());

            try (Connection held = harness.factory().getConnection()) {
                // the pool's one managed connection is taken: the publish needs a new one, with a channel
                RuntimeException noChannel = assertThrows(RuntimeException.class,
                        () -> producer.publish("on a second channel, under the alarm"));
                assertTrue(messages(noChannel).contains("Cannot open a channel"), messages(noChannel));
                assertTrue(messages(noChannel).contains("low on memory"), messages(noChannel));
            }

            // a transaction begun on the blocked connection sends nothing at begin, and its publish fails in time
            PublishException refused = assertThrows(PublishException.class,
                    () -> harness.inTransaction(() -> producer.publish("in a transaction, under the alarm")));
            assertTrue(refused.getMessage().contains("low on memory"), refused.getMessage());
        } finally {
            clearTheAlarm();
        }
        Broker.await("Warren to log the unblock", Duration.ofSeconds(30), () -> logged(Level.INFO) == 1);
        producer.publish("after the alarm");
        Broker.await("the message published after the alarm", Duration.ofSeconds(10),
                () -> broker.messageCount(queue) >= 2);
        assertEquals(2, broker.messageCount(queue), "the transaction's message never reaches the queue");
    }

    @Test
    void aTransactionTheBrokerBlocksRollsBackWithoutWaitingForTheBroker() {
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build());
        producer.publish("before the alarm");
        try {
            raiseTheAlarm();
            BusinessFailure failure = assertThrows(BusinessFailure.class, () -> harness.inTransaction(() -> {
                producer.publish("in a transaction that fails, as the alarm starts");
                Broker.await("Warren to log the block", Duration.ofSeconds(30), () -> logged(Level.WARNING) == 1);
                throw new BusinessFailure();
            }), "the application's failure, not one of the rollback that waited on a blocked connection");
            assertEquals(BusinessFailure.class, failure.getClass());
        } finally {
            clearTheAlarm();
        }
        Broker.await("Warren to log the unblock", Duration.ofSeconds(30), () -> logged(Level.INFO) == 1);
        producer.publish("after the alarm");
        Broker.await("the message published after the alarm", Duration.ofSeconds(10),
                () -> broker.messageCount(queue) >= 2);
        assertEquals(2, broker.messageCount(queue), "the rolled back message never reaches the queue");
    }

    private static final class BusinessFailure extends RuntimeException {
        BusinessFailure() {
            super("the application's own failure");
        }
    }

    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
