package io.warren.rar.outbound;

import io.warren.Binding;
import io.warren.Connection;
import io.warren.Exchange;
import io.warren.ExchangeType;
import io.warren.OutgoingMessage;
import io.warren.Queue;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exchange-to-exchange bindings from the API, as kombu's {@code Exchange.bind_to} and
 * {@code unbind_from}, on the real broker. Messages on one channel are routed in order, so a
 * marker published after a message that must not arrive shows that it did not.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class ExchangeBindingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final Exchange source = Exchange.topic(broker.exchangeName("e2e-source"));
    private final Exchange destination = Exchange.builder(broker.exchangeName("e2e-destination"), ExchangeType.FANOUT)
            .bindTo(source, "order.#").build();
    private final Queue queue = Queue.builder(broker.queueName("e2e")).bind(destination, "").build();

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private void publish(Connection connection, Exchange to, String routingKey, String body) {
        connection.publish(to.name(), OutgoingMessage.of(body).serializer("text").routingKey(routingKey).build());
    }

    /** Publishes a marker straight to the queue and waits for it: whatever was published before is routed by then. */
    private void awaitMarker(Connection connection, long before) {
        publish(connection, Exchange.DEFAULT, queue.name(), "marker");
        Broker.await("the marker in " + queue.name(), WAIT, () -> broker.messageCount(queue.name()) == before + 1);
    }

    @Test
    void declaringAQueueDeclaresItsExchangeBoundToTheSourceSoWhatTheSourceRoutesArrives() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(queue);
            publish(connection, source, "invoice.eu", "not an order");
            publish(connection, source, "order.eu", "an order");
            awaitMarker(connection, 1);
        }
        assertEquals("an order", Broker.text(broker.get(queue.name())));
        assertEquals("marker", Broker.text(broker.get(queue.name())));
    }

    @Test
    void unbindingStopsTheFlowAndKeepsBothExchanges() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(queue);
            connection.unbind(destination, Binding.of(source, "order.#"));
            connection.unbind(destination, Binding.of(source, "order.#")); // a binding already gone is no error
            publish(connection, source, "order.eu", "after the unbind");
            awaitMarker(connection, 0);
            assertEquals("marker", Broker.text(broker.get(queue.name())));
            connection.declare(destination); // both still there: declaring binds them again
            publish(connection, source, "order.eu", "bound again");
            Broker.await("the order after binding again", WAIT, () -> broker.messageCount(queue.name()) == 1);
        }
    }

    @Test
    void unbindingFromAnExchangeThatDoesNotExistDoesNothing() {
        Exchange missing = Exchange.topic(broker.exchangeName("e2e-missing"));
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(queue);
            connection.unbind(destination, Binding.of(missing, "k"));
            publish(connection, source, "order.eu", "still bound");
            awaitMarker(connection, 1);
        }
        assertEquals("still bound", Broker.text(broker.get(queue.name())));
    }

    @Test
    void aHeadersSourceBindsWithHeaders() {
        Exchange headers = Exchange.headers(broker.exchangeName("e2e-headers"));
        Exchange audit = Exchange.builder(broker.exchangeName("e2e-audit"), ExchangeType.FANOUT)
                .bindTo(Binding.headers(headers, Binding.HeaderMatch.ANY, Map.of("audit", "yes"))).build();
        Queue audited = Queue.builder(broker.queueName("e2e-audited")).bind(audit, "").build();
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(audited);
            connection.publish(headers.name(), OutgoingMessage.of("skip").serializer("text").header("audit", "no").build());
            connection.publish(headers.name(), OutgoingMessage.of("keep").serializer("text").header("audit", "yes").build());
            Broker.await("the audited message", WAIT, () -> broker.messageCount(audited.name()) == 1);
        }
        assertEquals("keep", Broker.text(broker.get(audited.name())));
    }

    @Test
    void bindingsArePartOfTheValueAndAnExchangeIsNotBoundToItself() {
        Exchange same = Exchange.builder(destination.name(), ExchangeType.FANOUT).bindTo(source, "order.#").build();
        assertEquals(destination, same);
        assertEquals(destination.hashCode(), same.hashCode());
        assertNotEquals(destination, Exchange.fanout(destination.name()));
        assertEquals(destination, destination.toBuilder().build());
        assertTrue(destination.toString().contains("bound to [" + source.name() + " 'order.#']"), destination.toString());
        IllegalArgumentException itself = assertThrows(IllegalArgumentException.class,
                () -> Exchange.builder(source.name(), ExchangeType.TOPIC).bindTo(source, "#"));
        assertTrue(itself.getMessage().contains("cannot be bound to itself"), itself.getMessage());
    }
}
