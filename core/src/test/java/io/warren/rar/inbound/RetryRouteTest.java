package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.BrokerSetting;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.InboundFixture;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The retry route loses nothing when the consumed queue cannot take a copy back, and a copy back
 * from its retry queue is the message as published: its exchange and routing key.
 */
@ResourceLock(Broker.LOCK) // shortens the broker's dead-letter retry interval, a broker-wide setting
class RetryRouteTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RETRY_INTERVAL = "dead_letter_worker_publisher_confirm_timeout";

    @RegisterExtension
    final InboundFixture fixture = new InboundFixture("retry-route");
    private final Broker broker = fixture.broker();
    private final Harness harness = fixture.harness();
    private final String queue = fixture.queue();

    private WarrenActivationSpec spec(long delayMillis, int maxDeliveries) {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setMaxDeliveries(String.valueOf(maxDeliveries));
        spec.setRedeliveryDelayMillis(String.valueOf(delayMillis));
        spec.setMaxRedeliveryDelayMillis(String.valueOf(delayMillis));
        spec.setReconnectIntervalMillis("200");
        broker.cleanUpQueue(Redeliveries.retryQueue(queue, delayMillis));
        broker.cleanUpQueue(DeadLetters.parkingQueue(queue));
        return spec;
    }

    /**
     * A classic retry queue dead-lettered the copy at most once: expiring while its queue was
     * deleted, it was dropped. The quorum retry queue keeps it until the queue is back.
     */
    @Test
    void aCopyExpiringWhileItsQueueIsGoneArrivesOnceTheQueueIsBack() throws Exception {
        // the broker tries an unroutable dead letter again after this; 180 s by default
        try (BrokerSetting interval = BrokerSetting.rabbitEnv(RETRY_INTERVAL).set("1000");
             Channel channel = broker.channel()) {
            channel.queueDeclare(queue, true, false, false, null);
            List<String> received = new CopyOnWriteArrayList<>();
            TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
                received.add(message.payload(String.class));
                if (received.size() == 1) {
                    throw new IllegalStateException("first delivery fails");
                }
            });
            WarrenActivationSpec spec = spec(2_000, 5);
            spec.setDeclare("false");
            String retryQueue = Redeliveries.retryQueue(queue, 2_000);
            try (Harness.Deployment ignored = harness.deploy(spec, mdb)) {
                broker.publish(queue, text(), "comes back".getBytes(StandardCharsets.UTF_8));
                Broker.await("the copy in its retry queue", WAIT,
                        () -> received.size() == 1 && broker.messageCount(retryQueue) == 1);
                channel.queueDelete(queue);
                Broker.await("the copy expired out of its retry queue", WAIT,
                        () -> broker.messageCount(retryQueue) == 0);
                channel.queueDeclare(queue, true, false, false, null);
                Broker.await("the copy back in its queue and delivered", WAIT,
                        () -> received.size() == 2 || broker.messageCount(queue) == 1, received::toString);
            }
        }
    }

    /**
     * After its trip through a retry queue the MDB saw "" and the queue's name, and the dead letter
     * recorded them: a dead-letter exchange bound on the original key lost it.
     */
    @Test
    void aMessageBackFromItsRetryQueueKeepsItsExchangeAndRoutingKey() throws Exception {
        String exchange = broker.exchangeName("retry-route");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Channel channel = broker.channel()) {
            channel.exchangeDeclare(exchange, "direct", false, true, null);
            channel.queueDeclare(queue, true, false, false, null);
            channel.queueBind(queue, exchange, "orders.created");
            TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
                seen.add(message.exchange() + "/" + message.routingKey());
                throw new IllegalStateException("always fails");
            });
            WarrenActivationSpec spec = spec(100, 2);
            spec.setDeclare("false");
            try (Harness.Deployment ignored = harness.deploy(spec, mdb)) {
                channel.confirmSelect();
                channel.basicPublish(exchange, "orders.created", text(), "poison".getBytes(StandardCharsets.UTF_8));
                channel.waitForConfirmsOrDie(30_000);
                Broker.await("the dead letter", WAIT, () -> parked() == 1, seen::toString);
            }
        }
        assertEquals(List.of(exchange + "/orders.created", exchange + "/orders.created"), seen);
        GetResponse deadLetter = broker.get(DeadLetters.parkingQueue(queue));
        Map<String, Object> headers = deadLetter.getProps().getHeaders();
        assertEquals(exchange, String.valueOf(headers.get(DeadLetters.EXCHANGE)));
        assertEquals("orders.created", String.valueOf(headers.get(DeadLetters.ROUTING_KEY)));
        assertEquals(2, headers.get(DeadLetters.DELIVERIES));
        for (String warrens : List.of("x-warren-failures", "x-warren-original-exchange", "x-warren-original-routing-key")) {
            assertEquals(null, headers.get(warrens), warrens + " is the trip's, not the dead letter's");
        }
    }

    private long parked() {
        try {
            return broker.messageCount(DeadLetters.parkingQueue(queue));
        } catch (IllegalStateException notYetDeclared) {
            return 0;
        }
    }

    private static AMQP.BasicProperties text() {
        return new AMQP.BasicProperties.Builder().contentType("text/plain").deliveryMode(2).build();
    }
}
