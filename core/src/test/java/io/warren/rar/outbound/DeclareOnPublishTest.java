package io.warren.rar.outbound;

import com.rabbitmq.client.Channel;
import io.warren.DeclarationException;
import io.warren.Exchange;
import io.warren.ExchangeType;
import io.warren.Producer;
import io.warren.ProducerSettings;
import io.warren.Queue;
import io.warren.RetryPolicy;
import io.warren.UnroutableException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A producer that names the exchanges and queues it needs, as kombu's {@code declare=[...]}: they
 * are declared before its first publish on each broker connection, and again on the connection that
 * replaces a lost one, so that entities the broker forgot (non-durable ones, after a restart) do
 * not make its messages unroutable. Each publish is mandatory: an unroutable one would fail.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class DeclareOnPublishTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final Exchange exchange = Exchange.builder(broker.exchangeName("declared"), ExchangeType.DIRECT)
            .durable(false).build();
    private final Queue queue = Queue.builder(broker.queueName("declared")).durable(false)
            .bind(exchange, "invoice").build();

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private ProducerSettings.Builder settings() {
        return Producer.to(exchange.name()).routingKey("invoice").mandatory(true).declare(exchange).declare(queue);
    }

    private void deleteBehindItsBack() throws Exception {
        try (Channel channel = broker.channel()) {
            channel.queueDelete(queue.name());
            channel.exchangeDelete(exchange.name());
        }
    }

    @Test
    void theFirstPublishDeclaresTheExchangeAndTheQueueAndIsRouted() {
        Producer producer = harness.factory().producer(settings().build());

        producer.publish("invoice 1");

        assertEquals(1, broker.messageCount(queue.name()));
    }

    @Test
    void afterTheBrokerForgotThemAndTheConnectionWasLostTheNextPublishDeclaresThemAgain() throws Exception {
        Producer producer = harness.factory().producer(settings().build());
        producer.publish("invoice 1");
        assertNotNull(broker.get(queue.name()), "routed to the queue it declared");

        deleteBehindItsBack();
        assertEquals(1, Broker.closeConnectionsNamed(harness.connectionName() + " (outbound)", "test: connection lost"));
        Broker.await("the pool to drop its broken channel", Duration.ofSeconds(10), () -> harness.pool().size() == 0);

        producer.publish("invoice 2");

        assertEquals(1, broker.messageCount(queue.name()), "declared again on the new connection, and routed");
    }

    @Test
    void onAConnectionThatStaysUpTheyAreDeclaredOnceSoAQueueDeletedBehindItsBackIsNotSeen() throws Exception {
        Producer producer = harness.factory().producer(settings().build());
        producer.publish("invoice 1");
        try (Channel channel = broker.channel()) {
            channel.queueDelete(queue.name());
        }

        UnroutableException unroutable = assertThrows(UnroutableException.class, () -> producer.publish("invoice 2"));

        assertEquals(exchange.name(), unroutable.exchange());
        assertEquals(-1, broker.consumerCount(queue.name()), "not declared again while the connection stayed up");
    }

    @Test
    void withARetryPolicyAnExchangeDeletedBehindItsBackIsDeclaredAgainByTheRetry() throws Exception {
        Producer producer = harness.factory().producer(settings().retry(RetryPolicy.builder().maxRetries(1).build())
                .confirms(Duration.ofSeconds(10)).build());
        producer.publish("invoice 1");
        deleteBehindItsBack();

        producer.publish("invoice 2"); // its first try goes to no exchange: the broker closes the channel (404)

        assertEquals(1, broker.messageCount(queue.name()), "routed after the retry declared both again");
        assertEquals("\"invoice 2\"", Broker.text(broker.get(queue.name())));
    }

    @Test
    void aDeclarationTheBrokerRefusesFailsThePublishNamingTheArgument() throws Exception {
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(queue.name(), false, false, false, Map.of("x-message-ttl", 1000));
        }
        Producer producer = harness.factory().producer(settings().retry(RetryPolicy.DEFAULT).build());

        DeclarationException refused = assertThrows(DeclarationException.class, () -> producer.publish("invoice 1"));

        assertEquals("x-message-ttl", refused.argument());
    }

    @Test
    void aServerNamedQueueIsRefusedWhenTheSettingsAreBuilt() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Producer.to("").declare(Queue.serverNamed().build()));
        assertTrue(error.getMessage().contains("server-named queue"), error.getMessage());
    }
}
