package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.Exchange;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Producer#publishConfirmed}: asynchronous confirms over pooled channels. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class PublishConfirmedTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(4);
    private final String queue = broker.queueName("confirmed");
    private final String full = broker.queueName("confirmed.full");
    private final Exchange exchange = Exchange.direct(broker.exchangeName("confirmed"));

    PublishConfirmedTest() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(exchange, "routed").build());
            connection.declare(Queue.builder(full).maxLength(0).argument("x-overflow", "reject-publish")
                    .bind(exchange, "full").build());
        }
    }

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private Producer producer(boolean mandatory) {
        return harness.factory().producer(Producer.to(exchange.name()).routingKey("routed")
                .confirms(Duration.ofSeconds(10)).mandatory(mandatory).build());
    }

    /** @return the future's failure, or null when it succeeded; fails the test when it does not complete in time */
    private static Throwable outcome(CompletableFuture<Void> future) {
        try {
            future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete within " + BOUND);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void manyPublishesFromSeveralThreadsAreAllConfirmedAndArrive() throws Exception {
        Producer producer = producer(false);
        int threads = 4;
        int perThread = 500;
        ExecutorService publishers = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<CompletableFuture<Void>>>> sent = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                sent.add(publishers.submit(() -> {
                    List<CompletableFuture<Void>> futures = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        futures.add(producer.publishConfirmed("t" + thread + " m" + i));
                    }
                    return futures;
                }));
            }
            Set<String> completedOn = ConcurrentHashMap.newKeySet();
            for (Future<List<CompletableFuture<Void>>> batch : sent) {
                for (CompletableFuture<Void> future : batch.get(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                    future.whenComplete((ok, error) -> completedOn.add(Thread.currentThread().getName()));
                    assertNull(outcome(future));
                }
            }
            assertTrue(completedOn.stream().noneMatch(name -> name.startsWith("AMQP Connection")),
                    "callbacks never run on the client's connection thread: " + completedOn);
        } finally {
            publishers.shutdownNow();
        }
        // confirmed means enqueued: no waiting needed
        assertEquals(threads * perThread, broker.messageCount(queue));
        assertTrue(harness.pool().size() <= 4, "publishes share the pooled channels");
    }

    @Test
    void aNackFailsExactlyTheAffectedFutures() {
        Producer producer = producer(false);
        List<CompletableFuture<Void>> routed = new ArrayList<>();
        List<CompletableFuture<Void>> rejected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            routed.add(producer.publishConfirmed("ok " + i));
            rejected.add(producer.publishConfirmed("too many " + i, "full"));
        }
        routed.forEach(future -> assertNull(outcome(future)));
        for (CompletableFuture<Void> future : rejected) {
            Throwable error = outcome(future);
            assertInstanceOf(PublishException.class, error);
            assertTrue(error.getMessage().contains("nacked") && error.getMessage().contains("'full'"),
                    error.getMessage());
        }
        assertEquals(50, broker.messageCount(queue));
    }

    @Test
    void mandatoryUnroutableMessagesFailWhileRoutableOnesInTheSameBurstSucceed() {
        Producer producer = producer(true);
        List<CompletableFuture<Void>> routed = new ArrayList<>();
        List<CompletableFuture<Void>> unroutable = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            routed.add(producer.publishConfirmed("found " + i));
            unroutable.add(producer.publishConfirmed("lost " + i, "nowhere"));
        }
        routed.forEach(future -> assertNull(outcome(future)));
        for (CompletableFuture<Void> future : unroutable) {
            UnroutableException error = assertInstanceOf(UnroutableException.class, outcome(future));
            assertEquals(312, error.replyCode());
            assertEquals("NO_ROUTE", error.replyText());
            assertEquals("nowhere", error.routingKey());
        }
        assertEquals(50, broker.messageCount(queue));
    }

    @Test
    void theBrokerClosingTheChannelFailsItsPendingFutures() {
        try (Harness single = new Harness(1)) {
            // one pooled channel: the burst and the faulty publish share it
            Producer routed = single.factory().producer(Producer.to(exchange.name()).routingKey("routed").build());
            Producer missing = single.factory().producer(Producer.to(broker.exchangeName("missing")).build());
            List<CompletableFuture<Void>> burst = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                burst.add(routed.publishConfirmed(OutgoingMessage.of(new byte[4096]).build()));
            }
            CompletableFuture<Void> lost = missing.publishConfirmed("x");
            Throwable error = outcome(lost);
            assertInstanceOf(PublishException.class, error);
            assertTrue(error.getMessage().contains("NOT_FOUND"), error.getMessage());
            long confirmed = 0;
            for (CompletableFuture<Void> future : burst) {
                Throwable failure = outcome(future);
                if (failure == null) {
                    confirmed++;
                } else {
                    assertInstanceOf(PublishException.class, failure);
                }
            }
            List<CompletableFuture<Void>> after = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                after.add(routed.publishConfirmed(OutgoingMessage.of(new byte[4096]).build()));
            }
            // the channel is reopened for the next publishes
            after.forEach(future -> assertNull(outcome(future)));
            // an unconfirmed message may still have been routed
            long arrived = broker.messageCount(queue);
            assertTrue(arrived >= confirmed + after.size() && arrived <= burst.size() + after.size(),
                    arrived + " messages for " + confirmed + " confirmed");
        }
    }

    @Test
    void destroyingAManagedConnectionFailsItsPendingFutures() {
        Producer producer = producer(false);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(producer.publishConfirmed(OutgoingMessage.of(new byte[65536]).persistent(false).build()));
        }
        harness.pool().shutdown();
        for (CompletableFuture<Void> future : futures) {
            Throwable failure = outcome(future);
            if (failure != null) {
                assertInstanceOf(PublishException.class, failure);
                assertTrue(failure.getMessage().contains("closed the pooled channel"), failure.getMessage());
            }
        }
    }

    @Test
    void aSynchronousPublishAfterPendingAndNackedOnesOnTheSameChannelSucceeds() {
        try (Harness single = new Harness(1)) {
            Producer producer = single.factory().producer(Producer.to(exchange.name()).routingKey("routed")
                    .confirms(Duration.ofSeconds(10)).build());
            List<CompletableFuture<Void>> rejected = new ArrayList<>();
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 20; i++) {
                    rejected.add(producer.publishConfirmed("too many", "full"));
                }
                // the same channel, with confirms of other callers pending and nacked
                producer.publish("sync " + round);
            }
            rejected.forEach(future -> assertInstanceOf(PublishException.class, outcome(future)));
            assertEquals(20, broker.messageCount(queue));
        }
    }

    @Test
    void aForwardedPublishIdNeitherHidesAReturnNorFailsAnotherPublish() {
        try (Harness single = new Harness(1)) {
            Producer producer = single.factory().producer(Producer.to(exchange.name()).routingKey("routed")
                    .confirms(Duration.ofSeconds(10)).mandatory(true).build());
            List<CompletableFuture<Void>> routed = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                routed.add(producer.publishConfirmed("routed " + i));
            }
            // as a received message forwarded with its headers would carry it: the publish id of a
            // message still awaiting its confirm on this very channel (sequence numbers start at 1)
            OutgoingMessage forwarded = OutgoingMessage.of("forwarded").routingKey("nowhere")
                    .header("x-warren-publish-id", 200L).build();
            UnroutableException error = assertThrows(UnroutableException.class,
                    () -> producer.publish(forwarded));
            assertEquals(312, error.replyCode());
            routed.forEach(future -> assertNull(outcome(future)));
            assertEquals(200, broker.messageCount(queue));
        }
    }

    @Test
    void insideATransactionTheCommitConfirms() {
        Producer producer = producer(true);
        List<CompletableFuture<Void>> routed = new ArrayList<>();
        List<CompletableFuture<Void>> unroutable = new ArrayList<>();
        harness.inTransaction(() -> {
            for (int i = 0; i < 10; i++) {
                routed.add(producer.publishConfirmed("tx " + i));
            }
            unroutable.add(producer.publishConfirmed("lost", "nowhere"));
            assertFalse(routed.stream().anyMatch(CompletableFuture::isDone), "nothing is confirmed before commit");
            assertEquals(0, broker.messageCount(queue), "nothing reaches the queue before commit");
        });
        routed.forEach(future -> assertNull(outcome(future)));
        assertEquals(312, assertInstanceOf(UnroutableException.class, outcome(unroutable.get(0))).replyCode());
        assertEquals(10, broker.messageCount(queue));
    }

    @Test
    void insideATransactionTheRollbackFailsTheFutures() {
        Producer producer = producer(false);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        harness.inRolledBackTransaction(() -> {
            for (int i = 0; i < 10; i++) {
                futures.add(producer.publishConfirmed("never " + i));
            }
        });
        for (CompletableFuture<Void> future : futures) {
            Throwable error = outcome(future);
            assertInstanceOf(PublishException.class, error);
            assertTrue(error.getMessage().contains("rolled back"), error.getMessage());
        }
        // the pooled channel serves asynchronous confirms again after the transaction
        assertNull(outcome(producer.publishConfirmed("after")));
        assertEquals(1, broker.messageCount(queue));
    }
}
