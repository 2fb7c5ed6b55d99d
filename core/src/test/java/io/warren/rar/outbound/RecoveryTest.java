package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.Exchange;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.ExchangeType;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.RequestTimeoutException;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broker goes away under the pool; publishing fails cleanly and then works again. */
@ResourceLock(Broker.LOCK) // stops the broker and closes every connection
class RecoveryTest {

    private final Harness harness = new Harness(4, managed -> managed.setConnectRetryMillis(100));
    private final Broker broker = new Broker();

    @AfterEach
    void cleanUp() {
        Broker.startAppIfStopped();
        harness.close();
        broker.close();
    }

    private String declareQueue(Exchange exchange) {
        String queue = broker.queueName("recovery");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(exchange, "k").build());
        }
        return queue;
    }

    @Test
    void closedConnectionsAreReplacedOnTheNextPublish() {
        Exchange exchange = Exchange.direct(broker.exchangeName("closed"));
        String queue = declareQueue(exchange);
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("k")
                .confirms(Duration.ofSeconds(5)).build());
        producer.publish("before");
        int createdBefore = harness.pool().createdCount();

        Broker.rabbitmqctl("close_all_connections", "recovery test");
        Broker.await("the pool to drop its broken channel", Duration.ofSeconds(10), () -> harness.pool().size() == 0);

        producer.publish("after");
        assertEquals(2, broker.messageCount(queue));
        assertTrue(harness.pool().createdCount() > createdBefore, "a fresh managed connection was made");
        assertEquals(1, Broker.channelsOfConnectionsNamed(harness.connectionName()), "no channel leaked");
    }

    @Test
    void publishingFailsWhileTheBrokerIsDownAndWorksAfter() {
        Exchange exchange = Exchange.direct(broker.exchangeName("down"));
        String queue = declareQueue(exchange);
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("k")
                .confirms(Duration.ofSeconds(5)).build());
        producer.publish("before");

        Broker.rabbitmqctl("stop_app");
        try {
            Broker.await("the pool to drop its broken channel", Duration.ofSeconds(10), () -> harness.pool().size() == 0);
            WarrenException down = assertThrows(WarrenException.class, () -> producer.publish("while down"));
            assertTrue(down.getMessage().contains("127.0.0.1"), down.getMessage());
            assertEquals(0, harness.pool().size(), "nothing half-open stays in the pool");
        } finally {
            Broker.rabbitmqctl("start_app");
            Broker.rabbitmqctl("await_startup");
        }

        producer.publish("after");
        assertEquals(2, broker.messageCount(queue));
        assertEquals(1, harness.pool().size());
        assertEquals(1, Broker.channelsOfConnectionsNamed(harness.connectionName()), "no channel leaked");
    }

    /** kombu's declare=[...]: what a broker restart forgot is declared again on the new connection. */
    @Test
    void nonDurableEntitiesAProducerDeclaresAreDeclaredAgainAfterABrokerRestart() {
        Exchange exchange = Exchange.builder(broker.exchangeName("restart-declared"), ExchangeType.DIRECT)
                .durable(false).build();
        Queue queue = Queue.builder(broker.queueName("restart-declared")).durable(false).bind(exchange, "k").build();
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("k").mandatory(true)
                .declare(exchange).declare(queue).build());
        producer.publish("before");
        assertEquals(1, broker.messageCount(queue.name()));

        Broker.rabbitmqctl("stop_app");
        try {
            Broker.await("the pool to drop its broken channel", Duration.ofSeconds(10), () -> harness.pool().size() == 0);
        } finally {
            Broker.rabbitmqctl("start_app");
            Broker.rabbitmqctl("await_startup");
        }
        assertEquals(-1, broker.consumerCount(queue.name()), "the restart forgot the non-durable queue");

        producer.publish("after"); // mandatory: an UnroutableException if nothing had declared them again

        assertEquals(1, broker.messageCount(queue.name()), "declared again on the new connection, and routed");
    }

    /** Request and reply: a restart fails what waits, at once and saying why; none hangs; asking works after. */
    @Test
    void requestsWaitingWhenTheBrokerRestartsFailAtOnceAndAskingWorksAfter() throws Exception {
        String queue = broker.queueName("recovery-rpc");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).build()); // durable: the requests outlive the restart
        }
        Producer asker = harness.factory().producer(Producer.to("").routingKey(queue).serializer("text").build());
        List<CompletableFuture<Message>> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiting.add(asker.requestAsync(OutgoingMessage.of("r" + i).build(), Duration.ofSeconds(300))
                    .toCompletableFuture());
        }
        Broker.await("the 10 requests in their queue", Duration.ofSeconds(20), () -> broker.messageCount(queue) == 10);

        Broker.rabbitmqctl("stop_app");
        try {
            for (CompletableFuture<Message> request : waiting) {
                ExecutionException failed = assertThrows(ExecutionException.class,
                        () -> request.get(30, TimeUnit.SECONDS), "fails at once, long before its 300 s");
                String message = failed.getCause().getMessage();
                assertTrue(message.contains("No reply can come any more") && message.contains(queue), message);
            }
        } finally {
            Broker.rabbitmqctl("start_app");
            Broker.rabbitmqctl("await_startup");
        }

        // nothing answers on the queue: the next request times out cleanly rather than failing on a dead channel
        RequestTimeoutException unanswered = assertThrows(RequestTimeoutException.class,
                () -> asker.request(OutgoingMessage.of("after").build(), Duration.ofSeconds(2)));
        assertTrue(unanswered.getMessage().contains(queue), unanswered.getMessage());
        assertEquals(11, broker.messageCount(queue), "the 10 requests survived the restart, and the new one arrived");
    }
}
