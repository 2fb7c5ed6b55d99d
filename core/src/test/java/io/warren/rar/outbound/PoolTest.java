package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.Exchange;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class PoolTest {

    private static final int POOL = 8;
    private static final int THREADS = 32;
    private static final int PER_THREAD = 1_000;

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(POOL);

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    @Test
    void manyThreadsShareAFewChannelsAndEveryMessageArrives() throws Exception {
        String queue = broker.queueName("pool");
        Exchange exchange = Exchange.direct(broker.exchangeName("pool"));
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(exchange, "k").build());
        }
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build());

        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicInteger mostChannels = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (publishing.get()) {
                mostChannels.accumulateAndGet(Broker.channelsOfConnectionsNamed(harness.connectionName()), Math::max);
                samples.incrementAndGet();
            }
        });
        sampler.start();

        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            results.add(threads.submit(() -> {
                for (int i = 0; i < PER_THREAD; i++) {
                    producer.publish(thread + ":" + i);
                }
            }));
        }
        for (Future<?> result : results) {
            result.get(5, TimeUnit.MINUTES);
        }
        threads.shutdown();
        // sample at least once more once all publishing is over, then stop
        int before = samples.get();
        Broker.await("a last channel sample", Duration.ofSeconds(30), () -> samples.get() > before + 1);
        publishing.set(false);
        sampler.join();

        Broker.await("all " + THREADS * PER_THREAD + " messages", Duration.ofSeconds(60),
                () -> broker.messageCount(queue) == THREADS * PER_THREAD);
        assertTrue(mostChannels.get() <= POOL, "the broker saw " + mostChannels.get() + " channels");
        assertTrue(mostChannels.get() > 0, "the sampler saw the adapter's channels");
        assertTrue(harness.pool().size() <= POOL);
        assertEquals(harness.pool().size(), harness.pool().idleCount(), "every managed connection is back in the pool");
        System.out.printf("pool test: %d messages, %d threads, pool %d, most channels seen %d in %d samples%n",
                THREADS * PER_THREAD, THREADS, POOL, mostChannels.get(), samples.get());
    }
}
