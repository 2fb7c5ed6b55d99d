package io.warren.rar.cluster;

import io.warren.Producer;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Load through a failover: producers publishing with confirms through the harness's connection
 * factory, a message id per message, and an MDB consuming the queue, each delivery recorded with
 * the time it came. A publish that fails (no confirm in time, a nack, a connection lost) is
 * retried with the same id, as an application would: a message may then come twice, and every
 * confirmed one must come at least once.
 */
final class Traffic implements AutoCloseable {

    /** Between two publishes of one producer: pacing, so that a gap in deliveries is the failover's. */
    private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int WINDOW = 20;

    private final Harness harness;
    private final String queue;
    private final Producer producer;
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private final Queue<String> retries = new ConcurrentLinkedQueue<>();
    private final AtomicInteger failedPublishes = new AtomicInteger();
    /** When each failed publish was made, as System.nanoTime(). */
    private final List<Long> failedPublishTimes = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Integer> deliveredCount = new ConcurrentHashMap<>();
    private final List<Long> deliveryTimes = Collections.synchronizedList(new ArrayList<>());
    private final List<Thread> producers = new ArrayList<>();
    private final Semaphore window = new Semaphore(WINDOW * 2);
    private volatile boolean publishing;
    private Harness.Deployment deployment;

    Traffic(Harness harness, String queue) {
        this.harness = harness;
        this.queue = queue;
        this.producer = harness.factory().producer(
                Producer.to("").routingKey(queue).confirms(Duration.ofSeconds(5)).build());
    }

    /** Deploys the MDB on the quorum queue with default settings but the addresses. */
    Traffic deploy(String addresses, String addressStrategy) throws Exception {
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            long now = System.nanoTime();
            deliveredCount.merge(message.payload(String.class), 1, Integer::sum);
            deliveryTimes.add(now);
        });
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setQueueType("quorum");
        spec.setDurable("true");
        spec.setConcurrency("1");
        spec.setAddresses(addresses);
        if (addressStrategy != null) {
            spec.setAddressStrategy(addressStrategy);
        }
        deployment = harness.deploy(spec, mdb);
        return this;
    }

    /** Starts two producers, each publishing about 50 messages a second. */
    void startPublishing() {
        publishing = true;
        for (String name : List.of("p1", "p2")) {
            Thread thread = new Thread(() -> publishLoop(name), "warren-test producer " + name);
            thread.setDaemon(true);
            producers.add(thread);
            thread.start();
        }
    }

    private void publishLoop(String name) {
        int next = 0;
        while (publishing) {
            try {
                if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
            } catch (InterruptedException e) {
                return;
            }
            String retry = retries.poll();
            String id = retry != null ? retry : name + "-" + (++next);
            long published = System.nanoTime();
            producer.publishConfirmed(id).whenComplete((ok, failure) -> {
                if (failure == null) {
                    confirmed.add(id);
                } else {
                    failedPublishTimes.add(published);
                    failedPublishes.incrementAndGet();
                    retries.add(id);
                }
                window.release();
            });
            LockSupport.parkNanos(PACE_NANOS);
        }
    }

    /** Stops publishing and waits for the answers to every publish under way. */
    void stopPublishing() throws InterruptedException {
        publishing = false;
        for (Thread thread : producers) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        Broker.await("the answers to the publishes under way", Duration.ofSeconds(60),
                () -> window.availablePermits() == WINDOW * 2);
    }

    /** Waits until every confirmed message has been delivered; fails naming those missing. */
    void awaitEveryConfirmedDelivered(Duration timeout) {
        Broker.await("every confirmed message delivered", timeout, () -> lost().isEmpty(),
                () -> "missing " + lost().size() + " of " + confirmed.size());
    }

    /** @return the time of the latest delivery, as System.nanoTime(), or 0 before the first */
    long lastDelivery() {
        synchronized (deliveryTimes) {
            return deliveryTimes.isEmpty() ? 0 : deliveryTimes.get(deliveryTimes.size() - 1);
        }
    }

    /** Waits for a delivery after that time (System.nanoTime()). */
    void awaitDeliveryAfter(long nanos, String what, Duration timeout) {
        Broker.await(what, timeout, () -> lastDelivery() - nanos > 0);
    }

    int deliveries() {
        return deliveryTimes.size();
    }

    /** @return the deliveries that came after that time (System.nanoTime()) */
    int deliveriesAfter(long nanos) {
        synchronized (deliveryTimes) {
            return (int) deliveryTimes.stream().filter(time -> time - nanos > 0).count();
        }
    }

    /** @return the publishes made after that time (System.nanoTime()) that have failed so far */
    int failedPublishesMadeAfter(long nanos) {
        synchronized (failedPublishTimes) {
            return (int) failedPublishTimes.stream().filter(time -> time - nanos > 0).count();
        }
    }

    /** @return the MDB's consumers, as the adapter counts them: 1 once it consumes, 0 while it reconnects */
    int consumers() {
        return deployment.consumers();
    }

    Set<String> lost() {
        Set<String> missing = new HashSet<>(confirmed);
        missing.removeAll(deliveredCount.keySet());
        return missing;
    }

    /**
     * @return the longest pause between two deliveries in which that moment falls or that starts
     *     after it: from the last delivery before a stop to the first one after it
     */
    long gapMillisAfter(long fromNanos) {
        List<Long> times;
        synchronized (deliveryTimes) {
            times = new ArrayList<>(deliveryTimes);
        }
        long longest = 0;
        for (int i = 1; i < times.size(); i++) {
            if (times.get(i) - fromNanos > 0) {
                longest = Math.max(longest, times.get(i) - times.get(i - 1));
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    /** @return the first delivery at or after that time, as System.nanoTime(), or 0 */
    long firstDeliveryAfter(long nanos) {
        synchronized (deliveryTimes) {
            return deliveryTimes.stream().filter(time -> time - nanos >= 0).findFirst().orElse(0L);
        }
    }

    /** The figures of a scenario. */
    record Figures(int confirmed, int unconfirmed, int failedPublishes, int delivered, int duplicates, int lost) {
    }

    Figures figures() {
        int deliveries = deliveredCount.values().stream().mapToInt(Integer::intValue).sum();
        return new Figures(confirmed.size(), retries.size(), failedPublishes.get(), deliveredCount.size(),
                deliveries - deliveredCount.size(), lost().size());
    }

    @Override
    public void close() throws InterruptedException {
        publishing = false;
        for (Thread thread : producers) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        if (deployment != null) {
            deployment.close();
        }
    }
}
