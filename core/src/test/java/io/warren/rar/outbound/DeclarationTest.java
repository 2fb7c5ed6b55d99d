package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.DeclarationException;
import io.warren.Exchange;
import io.warren.Queue;
import io.warren.QueueType;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class DeclarationTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    @Test
    void declaringTwiceIsIdempotent() {
        Queue queue = Queue.builder(broker.queueName("twice")).messageTtl(Duration.ofMinutes(1))
                .bind(Exchange.direct(broker.exchangeName("twice")), "a", "b").build();
        try (Connection connection = harness.factory().getConnection()) {
            assertEquals(queue, connection.declare(queue));
            assertEquals(queue, connection.declare(queue));
            connection.checkExists(queue.name());
        }
    }

    @Test
    void redeclaringWithAnotherArgumentNamesTheArgument() {
        String name = broker.queueName("inequivalent");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(name).messageTtl(Duration.ofSeconds(10)).build());
            DeclarationException error = assertThrows(DeclarationException.class,
                    () -> connection.declare(Queue.builder(name).messageTtl(Duration.ofSeconds(20)).build()));
            assertEquals("x-message-ttl", error.argument());
            assertEquals("queue '" + name + "'", error.entity());
            assertTrue(error.getMessage().contains("different 'x-message-ttl'"), error.getMessage());
            assertTrue(error.getMessage().contains("delete the queue first"), error.getMessage());
            // the refused declaration closed the channel; the same handle goes on working
            connection.checkExists(name);
        }
    }

    @Test
    void redeclaringAnExchangeWithAnotherTypeNamesTheExchange() {
        String name = broker.exchangeName("retyped");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Exchange.direct(name));
            DeclarationException error = assertThrows(DeclarationException.class,
                    () -> connection.declare(Exchange.topic(name)));
            assertEquals("exchange '" + name + "'", error.entity());
            assertEquals("type", error.argument());
        }
    }

    @Test
    void checkingAMissingQueueNamesIt() {
        String name = broker.queueName("missing");
        try (Connection connection = harness.factory().getConnection()) {
            DeclarationException error = assertThrows(DeclarationException.class, () -> connection.checkExists(name));
            assertTrue(error.getMessage().contains("queue '" + name + "'"), error.getMessage());
            assertTrue(error.getMessage().contains("NOT_FOUND"), error.getMessage());
        }
    }

    @Test
    void serverNamedQueueGetsTheBrokersName() {
        try (Connection connection = harness.factory().getConnection()) {
            Queue declared = connection.declare(Queue.serverNamed().build());
            assertFalse(declared.name().isEmpty());
            assertTrue(declared.name().startsWith("amq.gen-"), declared.name());
            connection.deleteQueue(declared.name());
        }
    }

    @Test
    void quorumQueueWithDeadLetteringIsDeclared() {
        String name = broker.queueName("quorum");
        Queue queue = Queue.builder(name).type(QueueType.QUORUM).deadLetterExchange("dlx").deliveryLimit(3).build();
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(queue);
            connection.checkExists(name);
        }
        assertEquals(QueueType.QUORUM, queue.type());
        assertTrue(Broker.rabbitmqctl("list_queues", "name", "type").lines()
                .anyMatch(line -> line.startsWith(name) && line.contains("quorum")));
    }

    @Test
    void purgeAndDelete() {
        String name = broker.queueName("purge");
        String exchange = broker.exchangeName("purge");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(name).bind(Exchange.fanout(exchange)).build());
            connection.publish(exchange, io.warren.OutgoingMessage.of("one").build());
            connection.publish(exchange, io.warren.OutgoingMessage.of("two").build());
            Broker.await("two messages", Duration.ofSeconds(5), () -> broker.messageCount(name) == 2);
            assertEquals(2, connection.purge(name));
            connection.deleteQueue(name);
            connection.delete(Exchange.fanout(exchange));
            assertThrows(DeclarationException.class, () -> connection.checkExists(name));
        }
    }
}
