package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.Exchange;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.PublishException;
import io.warren.Queue;
import io.warren.UnroutableException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class PublishingTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(4);
    private final String queue = broker.queueName("publishing");
    private final Exchange exchange = Exchange.direct(broker.exchangeName("publishing"));

    PublishingTest() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(exchange, "routed").build());
        }
    }

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    @Test
    void confirmedPublishReturnsOnceTheBrokerHasIt() {
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("routed")
                .confirms(Duration.ofSeconds(5)).build());
        for (int i = 0; i < 100; i++) {
            producer.publish("m" + i);
        }
        // confirmed means enqueued: no waiting needed
        assertEquals(100, broker.messageCount(queue));
    }

    @Test
    void mandatoryUnroutableMessageRaisesWithReplyCode() {
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("nowhere")
                .mandatory(true).build());
        UnroutableException error = assertThrows(UnroutableException.class, () -> producer.publish("lost?"));
        assertEquals(312, error.replyCode());
        assertEquals("NO_ROUTE", error.replyText());
        assertEquals(exchange.name(), error.exchange());
        assertEquals("nowhere", error.routingKey());
        // the same producer still routes what can be routed
        producer.publish("found", "routed");
        assertEquals(1, broker.messageCount(queue));
    }

    @Test
    void publishingToAMissingExchangeFailsAndThePoolRecovers() {
        Producer producer = harness.factory().producer(Producer.to(broker.exchangeName("missing"))
                .confirms(Duration.ofSeconds(5)).build());
        PublishException error = assertThrows(PublishException.class, () -> producer.publish("x"));
        assertTrue(error.getMessage().contains("NOT_FOUND") || error.getMessage().contains("no exchange"),
                error.getMessage());
        harness.factory().producer(Producer.to(exchange.name()).routingKey("routed")
                .confirms(Duration.ofSeconds(5)).build()).publish("fine");
        assertEquals(1, broker.messageCount(queue));
    }

    @Test
    void rolledBackTransactionPublishesNothing() {
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("routed").build());
        harness.inRolledBackTransaction(() -> {
            for (int i = 0; i < 10; i++) {
                producer.publish("never " + i);
            }
        });
        // a marker published after the rollback arrives, so anything rolled back would have arrived before it
        producer.publish("marker");
        Broker.await("the marker", Duration.ofSeconds(5), () -> broker.messageCount(queue) >= 1);
        assertEquals(1, broker.messageCount(queue));
        assertEquals("\"marker\"", Broker.text(broker.get(queue)));
    }

    @Test
    void committedTransactionPublishesEverythingAtCommit() {
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("routed")
                .confirms(Duration.ofSeconds(5)).build());
        harness.inTransaction(() -> {
            for (int i = 0; i < 10; i++) {
                producer.publish("tx " + i);
            }
            assertEquals(0, broker.messageCount(queue), "nothing reaches the queue before commit");
        });
        assertEquals(10, broker.messageCount(queue));
    }

    @Test
    void failureInsideTheTransactionRollsBackItsPublishesAndAcks() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.publish(exchange.name(), OutgoingMessage.of("to consume").routingKey("routed").build());
        }
        Broker.await("the message", Duration.ofSeconds(5), () -> broker.messageCount(queue) == 1);
        assertThrows(IllegalStateException.class, () -> harness.inTransaction(() -> {
            try (Connection connection = harness.factory().getConnection()) {
                Message message = connection.fetch(queue).orElseThrow();
                message.ack();
                connection.publish(exchange.name(), OutgoingMessage.of("reply").routingKey("routed").build());
            }
            throw new IllegalStateException("business failure");
        }));
        Broker.await("the fetched message back", Duration.ofSeconds(5), () -> broker.messageCount(queue) == 1);
        assertEquals("\"to consume\"", Broker.text(broker.get(queue)));
    }

    @Test
    void aPooledChannelServesTransactionsAndPlainPublishesInTurn() {
        Producer plain = harness.factory().producer(Producer.to(exchange.name()).routingKey("routed").build());
        Producer confirmed = harness.factory().producer(Producer.to(exchange.name()).routingKey("routed")
                .confirms(Duration.ofSeconds(5)).build());
        for (int round = 0; round < 3; round++) {
            harness.inTransaction(() -> plain.publish("tx"));
            plain.publish("plain");
            confirmed.publish("confirmed");
        }
        assertEquals(9, broker.messageCount(queue));
    }
}
