package io.warren.rar.inbound;

import io.warren.Connection;
import io.warren.DeclarationException;
import io.warren.Exchange;
import io.warren.OutgoingMessage;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An MDB's exchange bound to other exchanges ({@code exchangeBindings}, kombu's
 * {@code Exchange.bind_to}): bound at deployment, and bound again after a reconnect, so a broker
 * that lost the binding (a non-durable exchange after a restart) does not drop what its source routes.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class ActivationExchangeBindingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("mdb-e2e");
    private final Exchange upstream = Exchange.topic(broker.exchangeName("mdb-e2e-upstream"));
    private final Exchange other = Exchange.fanout(broker.exchangeName("mdb-e2e-other"));
    private final String exchange = broker.exchangeName("mdb-e2e");
    private final List<String> delivered = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private WarrenActivationSpec spec(String bindings) {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setExchange(exchange);
        spec.setExchangeType("fanout");
        spec.setExchangeBindings(bindings);
        spec.setReconnectIntervalMillis("100");
        return spec;
    }

    private void publish(Exchange to, String routingKey, String body) {
        try (Connection connection = harness.factory().getConnection()) {
            connection.publish(to.name(), OutgoingMessage.of(body).serializer("text").routingKey(routingKey).build());
        }
    }

    private boolean exchangeExists(String name) {
        try {
            broker.channel().exchangeDeclarePassive(name);
            return true;
        } catch (IOException notFound) {
            return false;
        }
    }

    @Test
    void whatTheSourcesRouteReachesTheMdbAlsoAfterAReconnectThatFindsTheBindingGone() throws Exception {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(upstream);
            connection.declare(other);
        }
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> delivered.add(message.payload(String.class)));
        try (Harness.Deployment deployment = harness.deploy(spec("  " + upstream.name() + "=order.# , "
                + other.name()), mdb)) {
            publish(upstream, "invoice.1", "an invoice");
            publish(upstream, "order.1", "first order");
            publish(other, "", "from the fanout source");
            Broker.await("both routed messages at the MDB", WAIT, () -> delivered.size() == 2);
            assertEquals(List.of("first order", "from the fanout source"), delivered);

            // as a broker restart would lose a non-durable exchange: its bindings go with it
            try (Connection connection = harness.factory().getConnection()) {
                connection.delete(Exchange.fanout(exchange));
            }
            assertEquals(1, Broker.closeConnectionsNamed(harness.connectionName() + " (inbound",
                    "the test drops the MDB's connection"));
            Broker.await("the exchange declared again and the consumer back", WAIT,
                    () -> exchangeExists(exchange) && broker.consumerCount(queue) == 1 && deployment.consumers() == 1);
            publish(upstream, "order.2", "second order");
            Broker.await("the order after the reconnect", WAIT, () -> delivered.size() == 3);
            assertEquals("second order", delivered.get(2));
        }
    }

    @Test
    void aSourceThatDoesNotExistIsARefusalNamingIt() {
        String missing = broker.exchangeName("mdb-e2e-missing");
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> { });
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> harness.deploy(spec(missing + "=k"), mdb).close());
        Throwable cause = refused;
        while (cause != null && !(cause instanceof DeclarationException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null && cause.getMessage().contains("to exchange '" + missing + "'")
                && cause.getMessage().contains("NOT_FOUND"), String.valueOf(refused));
    }
}
