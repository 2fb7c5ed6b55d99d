package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import io.warren.Queue;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transacted MDB while the broker restarts (stop_app, start_app): each delivery's ack waits for
 * its transaction's outcome, so the restart falls between deliveries, between a commit and its
 * ack, and into held (coalesced) acks. Every confirmed message must be committed at least once and
 * leave the queue; a message may come twice only if the MDB had it before Warren noticed that the
 * connection was lost: what was still queued in Warren from a closed channel is dropped (the broker
 * requeued it), not run through a transaction whose ack cannot go out. "registry" settles through the
 * interposed Synchronization (as in every server), "xa" through Warren's XAResource.
 */
@ResourceLock(Broker.LOCK) // stops the broker
class TransactedRecoveryTest {

    private static final int TOTAL = 3_000;
    private static final int CONCURRENCY = 2;
    private static final int PREFETCH = 50;
    /** Bound on everything coming back after the restart: generous, a liveness check, not a timing. */
    private static final Duration GENEROUS = Duration.ofMinutes(2);
    /** Held here so that the handler added to it stays with it. */
    private static final Logger INBOUND_LOG = Logger.getLogger("io.warren.rar.inbound");

    private final Broker broker = new Broker();
    private final String queue = broker.queueName("tx-recovery");
    private final String deadLetters = broker.cleanUpQueue(queue + ".dead-letters");
    private Harness harness;

    @AfterEach
    void cleanUp() {
        Broker.startAppIfStopped();
        if (harness != null) {
            harness.close();
        }
        broker.close();
    }

    /** One delivery as the MDB saw it: when, and whether the broker flagged it as delivered before. */
    private record Seen(long nanos, boolean redelivered) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"registry", "xa"})
    void everyMessageIsCommittedAtLeastOnceAcrossABrokerRestart(String kind) throws Exception {
        harness = kind.equals("xa") ? Harness.withoutTransactionRegistry(1) : new Harness(1);
        try (var connection = harness.factory().getConnection()) {
            connection.declare(Queue.named(queue));
        }
        List<String> ids = IntStream.range(0, TOTAL).mapToObj(i -> "tx-" + i).toList();
        publishConfirmed(ids);

        Map<String, List<Seen>> deliveries = new ConcurrentHashMap<>();
        Set<String> committed = ConcurrentHashMap.newKeySet();
        AtomicInteger commits = new AtomicInteger();
        TestEndpointFactory[] holder = new TestEndpointFactory[1];
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            String id = message.messageId();
            deliveries.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>())
                    .add(new Seen(System.nanoTime(), message.redelivered()));
            // a little work per message, so that consumption spans the restart
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            // registered after Warren's own settlement: it hears the same outcome, after it
            holder[0].transactions().registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        committed.add(id);
                        commits.incrementAndGet();
                    }
                }
            });
        });
        holder[0] = mdb;
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setConcurrency(String.valueOf(CONCURRENCY));
        spec.setPrefetch(String.valueOf(PREFETCH));
        spec.setReconnectIntervalMillis("500");

        LogWatch logWatch = new LogWatch(queue);
        INBOUND_LOG.addHandler(logWatch);
        long stopIssued;
        long stopReturned;
        long startIssued;
        int committedBeforeStop;
        int committedAfterStop;
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            Broker.await("500 commits", GENEROUS, () -> committed.size() >= 500);
            committedBeforeStop = committed.size();
            stopIssued = System.nanoTime();
            try {
                Broker.rabbitmqctl("stop_app");
                stopReturned = System.nanoTime();
                committedAfterStop = committed.size();
            } finally {
                startIssued = System.nanoTime();
                Broker.rabbitmqctl("start_app");
                Broker.rabbitmqctl("await_startup");
            }
            Broker.await("every message committed", GENEROUS, () -> committed.size() == TOTAL,
                    () -> "(" + committed.size() + " of " + TOTAL + ")");
            Broker.await("nothing left in the queue or unacked", GENEROUS,
                    () -> broker.messageCount(queue) == 0 && Broker.unacknowledged(queue) == 0,
                    () -> "(" + broker.messageCount(queue) + " ready, " + Broker.unacknowledged(queue) + " unacked)");
            Broker.await("every consumer back", GENEROUS, () -> deployment.consumers() == CONCURRENCY);
        } finally {
            INBOUND_LOG.removeHandler(logWatch);
        }

        int delivered = deliveries.values().stream().mapToInt(List::size).sum();
        Set<String> twice = deliveries.entrySet().stream().filter(entry -> entry.getValue().size() > 1)
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        long lost = logWatch.lossNoticed.get();
        Set<String> runAfterTheLoss = twice.stream().filter(id -> deliveries.get(id).get(0).nanos() - lost > 0)
                .collect(Collectors.toCollection(TreeSet::new));
        System.out.printf("transacted recovery (%s): %d messages, %d committed before the stop, %d when stop_app "
                + "returned (%d ms), %d deliveries, %d commits, %d rollbacks, %d messages delivered more than once, "
                + "%d of them first run after the loss was noticed%n",
                kind, TOTAL, committedBeforeStop, committedAfterStop, (stopReturned - stopIssued) / 1_000_000,
                delivered, commits.get(), mdb.rollbacks.get(), twice.size(), runAfterTheLoss.size());

        assertTrue(committedAfterStop < TOTAL, "the broker stopped while messages were still to be consumed");
        assertTrue(lost != 0, "Warren warned of the lost connection");
        assertEquals(new TreeSet<>(ids), new TreeSet<>(committed), "every message committed at least once");
        assertEquals(Set.copyOf(ids), deliveries.keySet(), "nothing delivered that was not published");
        assertEquals(0, deadLettered(), "nothing dead-lettered: no delivery failed");
        for (String id : twice) {
            List<Seen> seen = deliveries.get(id);
            assertTrue(seen.get(0).nanos() - startIssued < 0,
                    id + " delivered more than once, first by the new connection: " + seen);
            assertTrue(seen.subList(1, seen.size()).stream().allMatch(Seen::redelivered),
                    id + " delivered again without the broker's redelivered flag: " + seen);
        }
        // a consumer may have taken one delivery off its queue just before its channel closed, no more
        assertTrue(runAfterTheLoss.size() <= CONCURRENCY, "run by the MDB after the connection was known lost, "
                + "and so delivered again: " + runAfterTheLoss);
        assertTrue(twice.size() <= CONCURRENCY * PREFETCH, "more delivered twice (" + twice.size()
                + ") than the broker can have had unacked on the lost connection (" + CONCURRENCY * PREFETCH + ")");
        assertEquals(mdb.beforeDeliveries.get(), mdb.afterDeliveries.get(), "every delivery paired");
    }

    /**
     * The same, made certain: the connection is closed while the MDB runs the first of ten messages
     * that Warren holds, and Warren's reconnect Work is refused once (asked for again after the
     * backoff), so that for a second nothing cancels the consumer. The nine others, queued in Warren
     * from the closed channel, must not be run meanwhile: the broker requeued them, and a transaction
     * run for one would commit work whose ack cannot go out. Each comes once, from the broker.
     */
    @Test
    void whatWarrenHeldFromALostConnectionIsNotRunButComesOnceFromTheBroker() throws Exception {
        harness = new Harness(1);
        try (var connection = harness.factory().getConnection()) {
            connection.declare(Queue.named(queue));
        }
        int total = 10;
        List<String> ids = IntStream.range(0, total).mapToObj(i -> "held-" + i).toList();
        publishConfirmed(ids);
        LogWatch logWatch = new LogWatch(queue);
        Map<String, List<Seen>> deliveries = new ConcurrentHashMap<>();
        AtomicBoolean firstRunning = new AtomicBoolean();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            String id = message.messageId();
            List<Seen> seen = deliveries.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>());
            seen.add(new Seen(System.nanoTime(), message.redelivered()));
            if (id.equals("held-0") && seen.size() == 1) {
                firstRunning.set(true);
                // until the connection is lost and Warren's reconnect Work refused: the rest stays queued in Warren
                Broker.await("the reconnect Work refused", GENEROUS, () -> logWatch.reconnectRefused.get() != 0);
            }
        });
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setPrefetch(String.valueOf(total));
        spec.setReconnectIntervalMillis("1000");
        INBOUND_LOG.addHandler(logWatch);
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            // the broker sent all ten before it closes the connection, and the client read them first
            Broker.await("the first message running, all ten sent", GENEROUS,
                    () -> firstRunning.get() && Broker.unacknowledged(queue) == total);
            harness.workManager().refuseNext(1);
            assertEquals(1, Broker.closeConnectionsNamed(harness.connectionName() + " (inbound",
                    "the test drops the MDB's connection"));
            Broker.await("the first message again, and every other", GENEROUS,
                    () -> deliveries.keySet().containsAll(ids) && deliveries.get("held-0").size() == 2,
                    () -> "(" + deliveries + ")");
            Broker.await("nothing left in the queue or unacked", GENEROUS,
                    () -> broker.messageCount(queue) == 0 && Broker.unacknowledged(queue) == 0);
            Broker.await("the consumer back", GENEROUS, () -> deployment.consumers() == 1);
        } finally {
            INBOUND_LOG.removeHandler(logWatch);
        }
        assertEquals(1, harness.workManager().refused.get(), "the one Work refused was the reconnect");
        assertEquals(2, deliveries.get("held-0").size(), "the message running as the connection was lost comes again");
        for (String id : ids.subList(1, total)) {
            assertEquals(1, deliveries.get(id).size(), id + " run once, from the broker: " + deliveries.get(id));
            assertTrue(deliveries.get(id).get(0).redelivered(), id + " had reached the lost connection");
        }
        assertEquals(total + 1, mdb.commits.get(), "every delivery committed");
    }

    /** What Warren logs, seen as it happens: when it noticed the lost connection, and when its reconnect Work was refused. */
    private static final class LogWatch extends Handler {
        private final String queue;
        /** Logged by the connection's shutdown listener, which the client calls after marking every channel closed. */
        final AtomicLong lossNoticed = new AtomicLong();
        final AtomicLong reconnectRefused = new AtomicLong();

        LogWatch(String queue) {
            this.queue = queue;
        }

        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (message == null) {
                return;
            }
            if (message.startsWith("Lost the broker connection") && message.contains(queue)) {
                lossNoticed.compareAndSet(0, System.nanoTime());
            } else if (message.contains("refused Warren''s reconnect Work")) {
                reconnectRefused.compareAndSet(0, System.nanoTime());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** Publishes a persistent message per id, with its id as message id, and waits for the broker's confirms. */
    private void publishConfirmed(List<String> ids) {
        try (var channel = broker.channel()) {
            channel.confirmSelect();
            for (String id : ids) {
                AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                        .contentType("text/plain").deliveryMode(2).messageId(id).build();
                channel.basicPublish("", queue, properties, id.getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(30_000);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + queue, e);
        }
    }

    /** @return the messages in the dead-letter queue, 0 when Warren never made it */
    private int deadLettered() {
        int consumers = broker.consumerCount(deadLetters);
        return consumers < 0 ? 0 : (int) broker.messageCount(deadLetters);
    }
}
