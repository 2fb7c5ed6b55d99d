package io.warren.test.kit;

import io.warren.Exchange;
import io.warren.ExchangeType;
import io.warren.Message;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.RetryPolicy;
import io.warren.SimpleQueue;
import io.warren.test.Delivered;
import io.warren.test.Mdb;
import io.warren.test.WarrenTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kit on the in-memory broker: an MDB deployed from its annotation, run by the adapter's own code. */
class WarrenTestKitTest {

    private WarrenTestKit kit;
    private final List<Map<?, ?>> handled = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        kit = WarrenTestKit.inMemory();
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    @Test
    void deliversAPublishedMessageToTheMdbAndAcksIt() {
        Mdb<OrderListener> listener = kit.deploy(OrderListener.class, () -> new OrderListener(handled::add));

        kit.producer(Producer.to("kit-shop").routingKey("order").build()).publish(Map.of("id", 7));

        listener.awaitDeliveries(1);
        assertEquals(List.of(Map.of("id", 7)), handled);
        kit.awaitAcked("kit-orders");
        assertEquals(List.of(), kit.deadLetters("kit-orders"));
    }

    @Test
    void deadLettersAMessageThatFailsMaxDeliveriesTimes() {
        Mdb<OrderListener> listener = kit.deploy(OrderListener.class, () -> new OrderListener(order -> {
            throw new IllegalStateException("out of stock");
        }));

        kit.producer(Producer.to("kit-shop").routingKey("order").build()).publish(Map.of("id", 8));

        listener.awaitDeliveries(3);
        kit.awaitAcked("kit-orders");
        kit.awaitCount("kit-orders.dead-letters", 1);
        List<Delivered> dead = kit.deadLetters("kit-orders");
        assertEquals(1, dead.size());
        assertEquals("{\"id\":8}", dead.get(0).text());
        assertEquals("java.lang.IllegalStateException", dead.get(0).header("x-warren-exception"));
        assertEquals(3, listener.failed().size());
        assertEquals(0, listener.succeeded().size());
    }

    @Test
    void aRedeliveryDelayWorksOnTheInMemoryBrokerThroughItsRetryQueue() {
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        Mdb<OrderListener> listener = kit.deploy(OrderListener.class, () -> new OrderListener(order -> {
            arrivals.add(System.nanoTime());
            if (arrivals.size() == 1) {
                throw new IllegalStateException("fails once");
            }
        }), Map.of("redeliveryDelayMillis", "200"));

        kit.producer(Producer.to("kit-shop").routingKey("order").build()).publish(Map.of("id", 9));

        listener.awaitDeliveries(2);
        kit.awaitAcked("kit-orders");
        long waited = TimeUnit.NANOSECONDS.toMillis(arrivals.get(1) - arrivals.get(0));
        assertTrue(waited >= 195, "came back after " + waited + " ms, the delay is 200 ms");
        assertEquals(1, listener.succeeded().size());
    }

    @Test
    void streamsAreRefusedSayingToTestThemAgainstRabbitMq() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> kit.deploy(OrderListener.class, () -> new OrderListener(handled::add),
                        Map.of("queue", "kit-events", "queueType", "stream", "concurrency", "1",
                                "exchange", "", "routingKeys", "")));
        assertTrue(refused.getMessage().contains("no stream queues"), refused.getMessage());
    }

    @Test
    void deadLettersAContentTypeTheMdbDoesNotAcceptWithoutDeliveringIt() {
        kit.deploy(OrderListener.class, () -> new OrderListener(handled::add), Map.of("accept", "application/json"));

        kit.producer(Producer.to("kit-shop").routingKey("order").serializer("text").build()).publish("not an order");

        kit.awaitCount("kit-orders.dead-letters", 1);
        Delivered dead = kit.deadLetters("kit-orders").get(0);
        assertEquals("not an order", dead.text());
        assertTrue(dead.deadLetterReason().contains("text/plain"), dead.deadLetterReason());
        assertEquals(List.of(), handled);
    }

    @Test
    void theMdbConsumesAgainAfterTheBrokerDroppedEveryConnection() {
        Mdb<OrderListener> listener = kit.deploy(OrderListener.class, () -> new OrderListener(handled::add),
                Map.of("reconnectIntervalMillis", "50"));

        kit.inMemoryBroker().orElseThrow().closeAllConnections();
        awaitConsumer("kit-orders");
        kit.producer(Producer.to("kit-shop").routingKey("order").build()).publish(Map.of("id", 9));

        listener.awaitDeliveries(1);
        assertEquals(List.of(Map.of("id", 9)), handled);
        kit.awaitAcked("kit-orders");
    }

    private void awaitConsumer(String queue) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (kit.inMemoryBroker().orElseThrow().queue(queue).map(stats -> stats.consumers()).orElse(0) == 0) {
            assertTrue(System.nanoTime() < deadline, "no consumer came back on " + queue);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Test
    void namesAnActivationPropertyWarrenDoesNotHave() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> kit.deploy(OrderListener.class, () -> new OrderListener(handled::add), Map.of("queueName", "x")));
        assertTrue(refused.getMessage().contains("'queueName'"), refused.getMessage());
        assertTrue(refused.getMessage().contains("queue"), refused.getMessage());
    }

    @Test
    void aSimpleQueueAndAProducerThatDeclaresWorkOnTheInMemoryBrokerToo() {
        Exchange invoices = Exchange.builder("invoices", ExchangeType.DIRECT).durable(false).build();
        Queue billing = Queue.builder("billing").durable(false).bind(invoices, "due").build();
        kit.producer(Producer.to("invoices").routingKey("due").mandatory(true).retry(RetryPolicy.DEFAULT)
                .declare(invoices).declare(billing).build()).publish(Map.of("invoice", 7));
        assertEquals(1, kit.count("billing"));

        try (SimpleQueue jobs = kit.connectionFactory().simpleQueue(Queue.builder("jobs").durable(false).build())) {
            jobs.put("job 1");
            jobs.put("job 2");
            assertEquals(2, jobs.qsize());
            Message first = jobs.get(Duration.ofSeconds(5)).orElseThrow();
            assertEquals("job 1", first.payload(String.class));
            first.requeue();
            Message again = jobs.get().orElseThrow();
            assertTrue(again.redelivered());
            again.ack();
            assertEquals(1, jobs.clear());
            assertEquals(Optional.empty(), jobs.get(Duration.ofMillis(50)));
        }
    }
}
