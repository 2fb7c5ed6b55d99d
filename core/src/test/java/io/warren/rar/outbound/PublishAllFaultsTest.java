package io.warren.rar.outbound;

import com.rabbitmq.client.Channel;
import io.warren.BatchPublishException;
import io.warren.Connection;
import io.warren.OutgoingMessage;
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

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Producer#publishAll} under the broker's faults, for real: a restart in the middle of a
 * batch and a memory alarm. Whatever happens, every message the caller is not told about is on the
 * broker, and each one it is told about is named with what happened to it.
 */
@ResourceLock(Broker.LOCK) // restarts the broker and raises its memory alarm
class PublishAllFaultsTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2, managed -> {
        managed.setPublishBlockedTimeoutMillis(1000);
        managed.setConnectRetryMillis(100);
    });
    private final String queue = broker.queueName("publish-all-faults");
    private final Producer producer = harness.factory().producer(Producer.to("").routingKey(queue).serializer("text")
            .confirms(Duration.ofSeconds(30)).build());
    private BrokerSetting watermark;

    PublishAllFaultsTest() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).build()); // durable, as the messages are persistent: they outlive a restart
        }
    }

    @AfterEach
    void cleanUp() {
        if (watermark != null) {
            watermark.close();
        }
        Broker.startAppIfStopped();
        harness.close();
        broker.close();
    }

    private static List<OutgoingMessage> numbered(int count) {
        return IntStream.range(0, count).mapToObj(i -> OutgoingMessage.of("m" + i).build()).toList();
    }

    /** @return the bodies in the queue, taken with a consumer (a basic.get each would take minutes for many) */
    private Set<String> drained(long expected) throws Exception {
        Set<String> bodies = ConcurrentHashMap.newKeySet();
        try (Channel channel = broker.channel()) {
            channel.basicConsume(queue, true, (tag, delivery) ->
                    bodies.add(new String(delivery.getBody(), StandardCharsets.UTF_8)), tag -> { });
            Broker.await(expected + " messages drained", Duration.ofSeconds(60), () -> bodies.size() >= expected);
        }
        return bodies;
    }

    @Test
    void aBrokerRestartMidBatchNamesEveryMessageNotConfirmedAndTheRestAreOnTheBroker() throws Exception {
        int size = 100_000;
        List<OutgoingMessage> batch = numbered(size);
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> producer.publishAll(batch));
        Broker.await("the first messages of the batch in the queue", Duration.ofSeconds(30),
                () -> broker.messageCount(queue) > 0 || publishing.isDone());
        Broker.rabbitmqctl("stop_app");
        BatchPublishException failed;
        try {
            ExecutionException thrown = assertThrows(ExecutionException.class, () -> publishing.get(60, TimeUnit.SECONDS),
                    "the batch could not be confirmed whole across a restart");
            failed = assertInstanceOf(BatchPublishException.class, thrown.getCause());
        } finally {
            Broker.rabbitmqctl("start_app");
            Broker.rabbitmqctl("await_startup");
        }
        assertEquals(size, failed.size());
        assertTrue(failed.sent() > 0, "the restart came in the middle of the batch: " + failed.getMessage());
        for (int i = failed.sent(); i < size; i++) {
            assertTrue(failed.failures().containsKey(i), "message " + i + " was not sent, and is named");
        }
        failed.failures().values().forEach(failure -> assertTrue(failure.getMessage().contains("may or may not")
                || failure.getMessage().startsWith("Did not send"), failure.getMessage()));

        long onTheBroker = broker.messageCount(queue);
        Set<String> bodies = drained(onTheBroker);
        for (int i = 0; i < size; i++) {
            if (!failed.failures().containsKey(i)) {
                assertTrue(bodies.contains("m" + i), "message " + i + " was confirmed, and survived the restart");
            }
        }
        for (int i = failed.sent(); i < size; i++) {
            assertFalse(bodies.contains("m" + i), "message " + i + " was never sent");
        }

        producer.publishAll(numbered(3));
        assertEquals(Set.of("m0", "m1", "m2"), drained(3), "a batch after the restart works");
    }

    @Test
    void underAMemoryAlarmABatchSendsNothingAndNamesEveryMessageWithTheBrokersReason() throws Exception {
        Logger flowLog = Logger.getLogger(FlowControl.class.getName());
        AtomicBoolean blocked = new AtomicBoolean();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == Level.WARNING && record.getParameters() != null
                        && String.valueOf(record.getParameters()[0]).startsWith(harness.connectionName())) {
                    blocked.set(true);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        flowLog.addHandler(capture);
        try {
            watermark = BrokerSetting.memoryHighWatermark();
            watermark.set("0.0000001");
            Broker.await("the broker to raise its memory alarm", Duration.ofSeconds(30), Broker::memoryAlarm);
            Producer plain = harness.factory().producer(Producer.to("").routingKey(queue).serializer("text").build());
            plain.publish("starts the block, kept until it ends");
            Broker.await("Warren to see the block", Duration.ofSeconds(30), blocked::get);

            BatchPublishException failed = assertThrows(BatchPublishException.class,
                    () -> producer.publishAll(numbered(5)));
            assertEquals(0, failed.sent());
            assertEquals(Set.of(0, 1, 2, 3, 4), failed.failures().keySet());
            for (PublishException failure : failed.failures().values()) {
                assertTrue(failure.getMessage().startsWith("Did not send") && failure.getMessage().contains("low on memory")
                        && failure.getMessage().contains("publishBlockedTimeoutMillis"), failure.getMessage());
            }
        } finally {
            watermark.close();
            watermark = null;
            flowLog.removeHandler(capture);
        }
        Broker.await("the broker to clear its alarm", Duration.ofSeconds(30), () -> !Broker.memoryAlarm());
        Broker.await("the message that started the block", Duration.ofSeconds(30), () -> broker.messageCount(queue) == 1);
        producer.publishAll(numbered(3));
        assertEquals(Set.of("starts the block, kept until it ends", "m0", "m1", "m2"), drained(4),
                "nothing of the refused batch reached the queue; a batch after the alarm does");
    }
}
