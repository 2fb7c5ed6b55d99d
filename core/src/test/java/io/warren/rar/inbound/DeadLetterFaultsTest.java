package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.BrokerSetting;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import jakarta.resource.ResourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A dead letter is in a queue before its original is acked, whatever the operator or the broker did. */
@ResourceLock(Broker.LOCK) // raises the broker's memory alarm
class DeadLetterFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AMQP.BasicProperties JSON = new AMQP.BasicProperties.Builder()
            .contentType("application/json").deliveryMode(2).build();

    record Order(String id) {
    }

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(1);
    private final String queue = broker.queueName("dead-letter-faults");
    private final String parking = broker.cleanUpQueue(queue + ".dead-letters");

    /** The watermark as the broker had it, read before a test changed it; null until then. */
    private BrokerSetting watermark;

    @AfterEach
    void cleanUp() {
        if (watermark != null) {
            watermark.close();
        }
        harness.close();
        broker.close();
    }

    private WarrenActivationSpec spec() {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setReconnectIntervalMillis("100");
        return spec;
    }

    /** An MDB that decodes every body as an Order: a body that is not one is dead-lettered at once. */
    private static TestEndpointFactory decodingMdb(AtomicInteger decoded) {
        return decodingMdb(new AtomicInteger(), decoded);
    }

    private static TestEndpointFactory decodingMdb(AtomicInteger tried, AtomicInteger decoded) {
        return new TestEndpointFactory(false, message -> {
            tried.incrementAndGet();
            message.payload(Order.class);
            decoded.incrementAndGet();
        });
    }

    private void publishPoison(String text) {
        broker.publish(queue, JSON, text.getBytes(StandardCharsets.UTF_8));
    }

    private boolean holds(String name, int messages) {
        try {
            return broker.messageCount(name) == messages;
        } catch (IllegalStateException missing) {
            return false;
        }
    }

    @Test
    void aParkingQueueDeletedByAnOperatorIsDeclaredAgainAndTheDeadLetterParkedNotLost() throws Exception {
        try (Harness.Deployment ignored = harness.deploy(spec(), decodingMdb(new AtomicInteger()))) {
            publishPoison("not json 1");
            Broker.await("the first dead letter parked", WAIT, () -> holds(parking, 1));
            try (Channel channel = broker.channel()) {
                channel.queueDelete(parking);
            }
            publishPoison("not json 2");
            Broker.await("the second dead letter parked in a parking queue made anew", WAIT, () -> holds(parking, 1),
                    () -> "queue holds " + broker.messageCount(queue));
            GetResponse parked = broker.get(parking);
            assertEquals("not json 2", Broker.text(parked));
            assertEquals("the body could not be decoded", parked.getProps().getHeaders().get(DeadLetters.REASON).toString());
            Broker.await("the original acked", WAIT, () -> broker.messageCount(queue) == 0
                    && Broker.unacknowledged(queue) == 0);
        }
    }

    @Test
    void aDeadLetterExchangeThatRoutesNowhereLeavesTheOriginalInItsQueueUntilABindingTakesIt() throws Exception {
        String exchange = broker.exchangeName("dlx-unbound");
        String catcher = broker.queueName("dlx-catcher");
        try (Channel channel = broker.channel()) {
            channel.exchangeDeclare(exchange, "direct", true);
        }
        WarrenActivationSpec spec = spec();
        spec.setDeadLetterExchange(exchange);
        spec.setDeadLetterRoutingKey("poison");
        AtomicInteger tried = new AtomicInteger();
        try (Harness.Deployment ignored = harness.deploy(spec, decodingMdb(tried, new AtomicInteger()))) {
            publishPoison("not json");
            // the copy comes back unroutable: the original is not acked, and comes back to be tried again
            Broker.await("the message back after its dead letter was refused", WAIT, () -> tried.get() >= 2);
            assertEquals(1, broker.messageCount(queue) + Broker.unacknowledged(queue), "the original is still there");
            try (Channel channel = broker.channel()) {
                channel.queueDeclare(catcher, true, false, false, null);
                channel.queueBind(catcher, exchange, "poison");
            }
            Broker.await("the dead letter in the queue bound at last", WAIT, () -> holds(catcher, 1));
            Broker.await("the original acked", WAIT, () -> broker.messageCount(queue) == 0
                    && Broker.unacknowledged(queue) == 0);
            assertEquals("not json", Broker.text(broker.get(catcher)));
        }
    }

    @Test
    void copiesTheBrokerReturnsLeakNoChannel() throws Exception {
        String exchange = broker.exchangeName("dlx-returns");
        try (Channel channel = broker.channel()) {
            channel.exchangeDeclare(exchange, "direct", true);
        }
        WarrenActivationSpec spec = spec();
        spec.setDeadLetterExchange(exchange);
        String deadLetterConnection = harness.connectionName() + " (dead letters";
        AtomicInteger returned = new AtomicInteger();
        Logger logger = Logger.getLogger(Settler.class.getName());
        Handler countReturns = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getMessage() != null && record.getMessage().startsWith("Could not dead-letter")
                        && record.getMessage().contains(exchange)) {
                    returned.incrementAndGet();
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(countReturns);
        try (Harness.Deployment ignored = harness.deploy(spec, decodingMdb(new AtomicInteger()))) {
            publishPoison("not json");
            Broker.await("five copies returned", WAIT, () -> returned.get() >= 5);
            assertEquals(1, Broker.channelsOfConnectionsNamed(deadLetterConnection),
                    "channels open on the dead-letter connection after five returned copies");
            assertEquals(1, broker.messageCount(queue) + Broker.unacknowledged(queue), "the original is still there");
        } finally {
            logger.removeHandler(countReturns);
        }
    }

    @Test
    void aMissingDeadLetterExchangeFailsTheActivationNamingTheProperty() {
        WarrenActivationSpec spec = spec();
        spec.setDeadLetterExchange("warren.test.no-such-exchange");
        ResourceException refused = assertThrows(ResourceException.class,
                () -> harness.deploy(spec, decodingMdb(new AtomicInteger())));
        assertTrue(refused.getMessage().contains("deadLetterExchange"), refused.getMessage());
        assertTrue(refused.getMessage().contains("warren.test.no-such-exchange"), refused.getMessage());
    }

    @Test
    void underAMemoryAlarmTheMdbKeepsAckingAndAPoisonMessageWaitsInItsQueue() throws Exception {
        AtomicInteger decoded = new AtomicInteger();
        int good = 20;
        byte[][] bodies = new byte[good][];
        for (int i = 0; i < good; i++) {
            bodies[i] = ("{\"id\":\"o-" + i + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(queue, true, false, false, null);
        }
        publishPoison("not json");
        broker.publish(queue, JSON, bodies);
        WarrenActivationSpec spec = spec();
        spec.setConcurrency("2");
        spec.setPrefetch("5");
        watermark = BrokerSetting.memoryHighWatermark().set("0.0000001");
        try (Harness.Deployment ignored = harness.deploy(spec, decodingMdb(decoded))) {
            Broker.await("every good message handled and acked while the broker blocks publishers", WAIT,
                    () -> decoded.get() == good && Broker.ready(queue) + Broker.unacknowledged(queue) == 1,
                    () -> "decoded " + decoded.get() + ", ready " + Broker.ready(queue) + ", unacked "
                            + Broker.unacknowledged(queue));
            watermark.close();
            Broker.await("the poison message parked once the alarm cleared", WAIT, () -> {
                try {
                    return broker.messageCount(parking) >= 1;
                } catch (IllegalStateException missing) {
                    return false;
                }
            });
            Broker.await("its original acked", WAIT, () -> broker.messageCount(queue) == 0
                    && Broker.unacknowledged(queue) == 0);
            GetResponse parked = broker.get(parking);
            assertNotNull(parked);
            assertEquals("not json", Broker.text(parked));
        }
    }
}
