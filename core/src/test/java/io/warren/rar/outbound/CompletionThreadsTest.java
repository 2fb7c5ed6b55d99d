package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.Exchange;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Confirm futures complete on the adapter's own threads, which stop with the adapter. */
@Isolated("blocks every thread of the JVM's common pool")
class CompletionThreadsTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("completions");
    private final Exchange exchange = Exchange.direct(broker.exchangeName("completions"));

    CompletionThreadsTest() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(exchange, "k").build());
        }
    }

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private boolean completionThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(thread -> thread.isAlive()
                && thread.getName().startsWith("warren-completions " + harness.connectionName()));
    }

    @Test
    void confirmsCompleteWhileEveryCommonPoolThreadIsBlockedByApplicationCode() throws Exception {
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build());
        CountDownLatch release = new CountDownLatch(1);
        int parallelism = ForkJoinPool.commonPool().getParallelism();
        CountDownLatch occupied = new CountDownLatch(parallelism);
        List<Future<?>> blockers = new ArrayList<>();
        try {
            // on the pool itself: with a parallelism of 1, CompletableFuture's async methods use a thread per task
            for (int i = 0; i < parallelism; i++) {
                blockers.add(ForkJoinPool.commonPool().submit(() -> {
                    occupied.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            assertTrue(occupied.await(30, TimeUnit.SECONDS), "the common pool is occupied");
            List<CompletableFuture<String>> completedOn = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                completedOn.add(producer.publishConfirmed("m" + i).thenApply(ok -> Thread.currentThread().getName()));
            }
            CompletableFuture.allOf(completedOn.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
        }
        for (Future<?> blocker : blockers) {
            blocker.get(30, TimeUnit.SECONDS);
        }
        Broker.await("the confirmed messages", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 20);
    }

    @Test
    void theCompletionThreadsStopWithTheAdapter() throws Exception {
        harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build())
                .publishConfirmed("start the threads").get(30, TimeUnit.SECONDS);
        assertTrue(completionThreadsAlive(), "the adapter's completion threads, named after it, are running");
        harness.close();
        Broker.await("the completion threads to end", Duration.ofSeconds(30),
                () -> !completionThreadsAlive());
    }
}
