package io.warren.rar.outbound;

import com.rabbitmq.client.GetResponse;
import io.warren.BatchPublishException;
import io.warren.Connection;
import io.warren.ConnectionFactory;
import io.warren.EncodeException;
import io.warren.Exchange;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.ProducerSettings;
import io.warren.PublishException;
import io.warren.Queue;
import io.warren.UnroutableException;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Producer#publishAll}: one pool checkout and one confirm wait for a batch, each failed
 * message named by its index, and every message not named on the broker.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class PublishAllTest {

    private final Broker broker = new Broker();
    private final WarrenManagedConnectionFactory[] managed = new WarrenManagedConnectionFactory[1];
    private final Harness harness = new Harness(2, factory -> managed[0] = factory);
    private final String queue = broker.queueName("publish-all");
    private final Exchange exchange = Exchange.direct(broker.exchangeName("publish-all"));
    /** Counts the checkouts of a factory over the harness's pool. */
    private final AtomicInteger checkouts = new AtomicInteger();
    private final ConnectionFactory counted = (ConnectionFactory) managed[0].createConnectionFactory(new Counting());

    private final class Counting implements ConnectionManager {
        private static final long serialVersionUID = 1L;

        @Override
        public Object allocateConnection(ManagedConnectionFactory factory, ConnectionRequestInfo info)
                throws ResourceException {
            checkouts.incrementAndGet();
            return harness.pool().allocateConnection(factory, info);
        }
    }

    PublishAllTest() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(exchange, "k").build());
        }
    }

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private Producer producer(ConnectionFactory factory, boolean confirms, boolean mandatory) {
        ProducerSettings.Builder settings = Producer.to(exchange.name()).routingKey("k").serializer("text")
                .mandatory(mandatory);
        if (confirms) {
            settings.confirms(Duration.ofSeconds(10));
        }
        return factory.producer(settings.build());
    }

    private static List<OutgoingMessage> numbered(int count) {
        return IntStream.range(0, count).mapToObj(i -> OutgoingMessage.of("m" + i).build()).toList();
    }

    private List<String> drained() {
        List<String> bodies = new ArrayList<>();
        for (GetResponse response = broker.get(queue); response != null; response = broker.get(queue)) {
            bodies.add(Broker.text(response));
        }
        return bodies;
    }

    private static List<String> bodies(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "m" + i).toList();
    }

    @Test
    void aConfirmedBatchTakesOneCheckoutAndArrivesInOrder() {
        producer(counted, true, false).publishAll(numbered(500));
        assertEquals(1, checkouts.get(), "one pool checkout for the whole batch");
        assertEquals(bodies(0, 500), drained());

        producer(counted, false, false).publishAll(numbered(50));
        assertEquals(2, checkouts.get());
        Broker.await("the unconfirmed batch to arrive", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 50);
        assertEquals(bodies(0, 50), drained());
    }

    @Test
    void anEmptyBatchTakesNoCheckout() {
        producer(counted, true, false).publishAll(List.of());
        assertEquals(0, checkouts.get());
    }

    @Test
    void aReturnedMessageIsNamedByItsIndexAndTheOthersArePublished() {
        List<OutgoingMessage> batch = new ArrayList<>(numbered(5));
        batch.set(1, OutgoingMessage.of("m1").routingKey("nowhere").build());
        batch.set(3, OutgoingMessage.of("m3").routingKey("nowhere either").build());
        BatchPublishException failed = assertThrows(BatchPublishException.class,
                () -> producer(harness.factory(), true, true).publishAll(batch));
        assertEquals(5, failed.size());
        assertEquals(5, failed.sent(), "every message was sent");
        assertEquals(List.of(1, 3), List.copyOf(failed.failures().keySet()));
        UnroutableException returned = assertInstanceOf(UnroutableException.class, failed.failures().get(1));
        assertEquals("nowhere", returned.routingKey());
        assertEquals(312, returned.replyCode());
        assertTrue(failed.getMessage().contains("2 of 5") && failed.getMessage().contains("message 1"), failed.getMessage());
        assertEquals(List.of("m0", "m2", "m4"), drained());
    }

    @Test
    void aChannelTheBrokerClosesFailsEveryMessageAfterItAndTheNextBatchWorks() throws Exception {
        String deleted = broker.exchangeName("publish-all-deleted");
        Producer toDeleted = harness.factory().producer(Producer.to(deleted).routingKey("k").serializer("text")
                .confirms(Duration.ofSeconds(10)).build());
        try (com.rabbitmq.client.Channel channel = broker.channel()) {
            channel.exchangeDeclare(deleted, "direct");
            channel.exchangeDelete(deleted);
        }
        BatchPublishException failed = assertThrows(BatchPublishException.class, () -> toDeleted.publishAll(numbered(200)));
        assertEquals(200, failed.failures().size(), "no message reached the missing exchange: " + failed.getMessage());
        assertTrue(failed.sent() >= 1 && failed.sent() <= 200, "sent " + failed.sent());
        PublishException first = failed.failures().get(0);
        assertTrue(first.getMessage().contains("NOT_FOUND") && first.getMessage().contains("may or may not"),
                first.getMessage());
        if (failed.sent() < 200) {
            PublishException notSent = failed.failures().get(failed.sent());
            assertTrue(notSent.getMessage().startsWith("Did not send message " + failed.sent()), notSent.getMessage());
        }
        assertTrue(failed.getMessage().contains("200 of 200"), failed.getMessage());

        producer(harness.factory(), true, false).publishAll(numbered(3));
        assertEquals(bodies(0, 3), drained(), "the pooled channel was replaced for the next batch");
    }

    @Test
    void aPayloadThatDoesNotEncodeSendsNothingAndNamesItsIndex() {
        List<OutgoingMessage> batch = new ArrayList<>(numbered(3));
        batch.add(OutgoingMessage.of(new Object()).serializer("json").build());
        EncodeException failed = assertThrows(EncodeException.class,
                () -> producer(harness.factory(), true, false).publishAll(batch));
        assertTrue(failed.getMessage().startsWith("Message 3 of the batch"), failed.getMessage());
        assertEquals("java.lang.Object", failed.payloadType());
        assertEquals(0, broker.messageCount(queue));
    }

    @Test
    void inATransactionEveryMessageFollowsIt() {
        Producer producer = producer(harness.factory(), true, false);
        harness.inRolledBackTransaction(() -> producer.publishAll(numbered(10)));
        assertEquals(0, broker.messageCount(queue), "rolled back: none of the batch");
        harness.inTransaction(() -> producer.publishAll(numbered(10)));
        assertEquals(bodies(0, 10), drained(), "committed: all of the batch");
    }

    @Test
    void aMandatoryBatchInATransactionIsRefusedBeforeAnythingIsSent() {
        Producer producer = producer(harness.factory(), true, true);
        WarrenException refused = assertThrows(WarrenException.class,
                () -> harness.inTransaction(() -> producer.publishAll(numbered(3))));
        assertTrue(refused.getMessage().contains("mandatory"), refused.getMessage());
        assertNull(broker.get(queue));
    }
}
