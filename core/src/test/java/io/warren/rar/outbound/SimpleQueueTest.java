package io.warren.rar.outbound;

import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Queue;
import io.warren.SimpleQueue;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kombu's SimpleQueue on the real broker: put, get with and without waiting, qsize, clear, the
 * settlement of what get returns, and what becomes of a message got and never settled (back to the
 * queue when the SimpleQueue closes or the broker connection is lost). The pool has one channel, so
 * that a get that held it while waiting would hold up everything else.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class SimpleQueueTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(1);
    private final String name = broker.queueName("simple");
    private final SimpleQueue queue = harness.factory().simpleQueue(Queue.builder(name).durable(false).build());
    private final ExecutorService waiting = Executors.newSingleThreadExecutor();

    @AfterEach
    void cleanUp() {
        waiting.shutdownNow();
        queue.close();
        harness.close();
        broker.close();
    }

    @Test
    void putGetQsizeAndClearDoWhatKombusDo() {
        queue.put("one");
        queue.put(OutgoingMessage.of("two").header("n", 2).build());
        queue.put("three");
        assertEquals(3, queue.qsize());

        Message first = queue.get().orElseThrow();
        assertEquals("one", first.payload(String.class));
        assertEquals(name, first.queue());
        first.ack();
        assertEquals(2, queue.qsize());
        Message second = queue.get(Duration.ofSeconds(1)).orElseThrow();
        assertEquals(2, ((Number) second.header("n")).intValue());
        second.ack();

        assertEquals(1, queue.clear());
        assertEquals(0, queue.qsize());
        assertEquals(1, harness.pool().idleCount(), "every settled message gave its channel back");
    }

    @Test
    void aGetOnAnEmptyQueueReturnsEmptyAtOnceOrAfterItsTimeout() {
        assertEquals(Optional.empty(), queue.get());
        long start = System.nanoTime();

        assertEquals(Optional.empty(), queue.get(Duration.ofMillis(300)));

        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis >= 300 && tookMillis < 5_000, "took " + tookMillis + " ms");
        assertThrows(IllegalArgumentException.class, () -> queue.get(Duration.ofMillis(-1)));
    }

    @Test
    void aWaitingGetHoldsNoPooledChannelSoAPutOnTheOnlyOneGetsThroughAndIsWhatItGets() throws Exception {
        CompletableFuture<Optional<Message>> got = CompletableFuture.supplyAsync(
                () -> queue.get(Duration.ofSeconds(20)), waiting);
        Broker.await("the waiting get's first poll", Duration.ofSeconds(10), () -> harness.pool().createdCount() == 1);

        long start = System.nanoTime();
        queue.put("while you wait");
        long putMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        Message message = got.get(10, TimeUnit.SECONDS).orElseThrow();
        assertEquals("while you wait", message.payload(String.class));
        message.ack();
        assertTrue(putMillis < 5_000, "the put waited " + putMillis + " ms for the pool's one channel");
        assertEquals(1, harness.pool().createdCount(), "one channel served both");
    }

    @Test
    void aRequeuedMessageComesBackRedeliveredAndARejectedOneIsGone() {
        queue.put("again");
        Message first = queue.get().orElseThrow();
        assertFalse(first.redelivered());
        first.requeue();
        assertEquals(Message.Outcome.REQUEUED, first.outcome());

        Message second = queue.get(Duration.ofSeconds(5)).orElseThrow();
        assertEquals("again", second.payload(String.class));
        assertTrue(second.redelivered());
        second.reject();

        assertEquals(0, queue.qsize());
        assertEquals(0, Broker.unacknowledged(name), "rejected, not held");
        IllegalStateException twice = assertThrows(IllegalStateException.class, second::ack);
        assertTrue(twice.getMessage().contains("REJECTED") || twice.getMessage().contains("reject"), twice.getMessage());
    }

    @Test
    void aMessageNotSettledWhenTheSimpleQueueClosesGoesBackToTheQueue() {
        queue.put("unfinished");
        Message held = queue.get().orElseThrow();
        assertEquals(1, Broker.unacknowledged(name));
        assertEquals(0, harness.pool().idleCount(), "the message holds its channel until settled");

        queue.close();

        assertEquals(1, broker.messageCount(name), "requeued");
        assertEquals(Message.Outcome.REQUEUED, held.outcome());
        assertEquals(1, harness.pool().idleCount());
        assertThrows(RuntimeException.class, queue::get, "a closed SimpleQueue says so");
    }

    @Test
    void aMessageNotAckedWhenTheBrokerConnectionClosesGoesBackToTheQueue() {
        queue.put("lost with its connection");
        Message held = queue.get().orElseThrow();

        assertEquals(1, Broker.closeConnectionsNamed(harness.connectionName() + " (outbound)", "test: connection lost"));
        Broker.await("the message back in its queue", Duration.ofSeconds(30), () -> broker.messageCount(name) == 1);

        assertThrows(IllegalStateException.class, held::ack, "its channel is gone: it can no longer be acked");
        Message again = queue.get(Duration.ofSeconds(10)).orElseThrow();
        assertEquals("lost with its connection", again.payload(String.class));
        assertTrue(again.redelivered());
        again.ack();
        assertEquals(0, queue.qsize());
    }

    @Test
    void aMessageWhoseRoutingKeyWouldSendItElsewhereIsRefusedNamingTheQueue() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> queue.put(OutgoingMessage.of("x").routingKey("other").build()));
        assertTrue(error.getMessage().contains("'" + name + "'") && error.getMessage().contains("'other'"),
                error.getMessage());
    }
}
