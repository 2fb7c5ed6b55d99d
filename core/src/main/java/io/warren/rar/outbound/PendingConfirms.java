package io.warren.rar.outbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Return;
import io.warren.PublishException;
import io.warren.UnroutableException;
import io.warren.rar.metrics.FactoryMetrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The messages published on one AMQP channel that await the broker's answer, each with its
 * future: keyed by publish sequence number in confirm mode, by a number of our own in a
 * transaction, where the commit answers for all of them. Acks and nacks arrive on the client's
 * connection thread, which must never run application code: futures are completed on the
 * adapter's {@link Completions}, except the ones only Warren's own synchronous publish waits on.
 */
final class PendingConfirms implements ConfirmListener {

    /**
     * Carries a mandatory message's key, so that the broker's return finds its future. Warren's
     * alone: {@link OutgoingProperties} drops an application's copy, as a forwarded message's.
     */
    static final String PUBLISH_ID = "x-warren-publish-id";

    private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private final Completions completions;
    private final FactoryMetrics metrics;
    /** When the next sweep runs ({@link System#nanoTime()}), or {@link #NO_SWEEP}. */
    private final AtomicLong nextSweep = new AtomicLong(NO_SWEEP);
    private static final long NO_SWEEP = Long.MIN_VALUE;

    PendingConfirms(Completions completions, FactoryMetrics metrics) {
        this.completions = completions;
        this.metrics = metrics;
    }

    private static final class Pending {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        final String exchange;
        final String routingKey;
        final Duration timeout;
        final long deadline;
        final boolean waitedOn;
        final boolean mandatory;
        final long publishedAt = System.nanoTime();
        volatile Return returned;

        Pending(String exchange, String routingKey, Duration timeout, boolean waitedOn, boolean mandatory) {
            this.mandatory = mandatory;
            this.exchange = exchange;
            this.routingKey = routingKey;
            this.timeout = timeout;
            this.deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
            this.waitedOn = waitedOn;
        }

        String describe() {
            return "a message to exchange '" + exchange + "' with routing key '" + routingKey + "'";
        }
    }

    /**
     * Registers a message about to be published, before it is, so that no answer can come first.
     *
     * @param timeout after which the future fails; null when something else bounds the wait
     * @param waitedOn only the publishing thread waits on the future: complete it on the connection thread
     * @param mandatory only a mandatory message can be returned, and so fail with its return
     */
    CompletableFuture<Void> expect(long key, String exchange, String routingKey, Duration timeout, boolean waitedOn,
                                   boolean mandatory) {
        Pending entry = new Pending(exchange, routingKey, timeout, waitedOn, mandatory);
        pending.put(key, entry);
        if (timeout != null) {
            scheduleSweep(entry.deadline);
        }
        return entry.future;
    }

    /** Forgets a message whose publish failed: the caller reports that failure. */
    void forget(long key) {
        pending.remove(key);
    }

    /** @return the properties of a mandatory message, carrying its key */
    static AMQP.BasicProperties withPublishId(AMQP.BasicProperties properties, long key) {
        Map<String, Object> headers = properties.getHeaders() == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(properties.getHeaders());
        headers.put(PUBLISH_ID, key);
        return properties.builder().headers(headers).build();
    }

    /**
     * Marks the returned message's publish, to be failed when its ack comes. A return of no
     * mandatory confirmed publish of this channel (a mandatory publish without confirms) has no
     * caller left to tell.
     */
    void returned(Return returned) {
        Map<String, Object> headers = returned.getProperties().getHeaders();
        Object key = headers == null ? null : headers.get(PUBLISH_ID);
        Pending entry = key instanceof Long id ? pending.get(id) : null;
        if (entry != null && entry.mandatory) {
            entry.returned = returned;
        }
    }

    @Override
    public void handleAck(long tag, boolean multiple) {
        List<Pending> confirmed = take(tag, multiple);
        long now = System.nanoTime();
        confirmed.forEach(entry -> metrics.confirmed(now - entry.publishedAt));
        complete(confirmed, null);
    }

    @Override
    public void handleNack(long tag, boolean multiple) {
        List<Pending> nacked = take(tag, multiple);
        nacked.forEach(entry -> metrics.nacked());
        complete(nacked, entry -> new PublishException("The broker nacked " + entry.describe()
                + " (it could not take responsibility for it); publish it again", null));
    }

    /** The transaction committed: the broker has every message of it. */
    void committed() {
        complete(take(Long.MAX_VALUE, true), null);
    }

    /** The transaction rolled back: none of its messages reached a queue. */
    void rolledBack() {
        complete(take(Long.MAX_VALUE, true), entry -> new PublishException("The transaction rolled back, so "
                + entry.describe() + " was not published", null));
    }

    /** Fails every message still awaiting its answer: the channel closed. */
    void failAll(String why, Throwable cause) {
        complete(take(Long.MAX_VALUE, true), entry -> new PublishException(why + " before the broker confirmed "
                + entry.describe() + "; it may or may not have been routed", cause));
    }

    /** Waits, within each message's own timeout, until the broker has answered for all of them. */
    void awaitAnswers() {
        for (Pending entry : pending.values()) {
            try {
                entry.future.get(Math.max(0, entry.deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                // answered: a failure is its publisher's to handle
            } catch (TimeoutException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private List<Pending> take(long upTo, boolean multiple) {
        List<Pending> taken = new ArrayList<>();
        if (!multiple) {
            Pending entry = pending.remove(upTo);
            if (entry != null) {
                taken.add(entry);
            }
            return taken;
        }
        for (Map.Entry<Long, Pending> first = pending.firstEntry(); first != null && first.getKey() <= upTo;
             first = pending.firstEntry()) {
            if (pending.remove(first.getKey(), first.getValue())) {
                taken.add(first.getValue());
            }
        }
        return taken;
    }

    private interface Failure {
        PublishException of(Pending entry);
    }

    /** @param failure null when the broker has the messages: each then succeeds unless it was returned */
    private void complete(List<Pending> entries, Failure failure) {
        List<Pending> handedOver = new ArrayList<>(entries.size());
        for (Pending entry : entries) {
            if (entry.waitedOn) {
                settle(entry, failure);
            } else {
                handedOver.add(entry);
            }
        }
        if (!handedOver.isEmpty()) {
            completions.execute(() -> handedOver.forEach(entry -> settle(entry, failure)));
        }
    }

    private static void settle(Pending entry, Failure failure) {
        Return returned = entry.returned;
        if (failure != null) {
            entry.future.completeExceptionally(failure.of(entry));
        } else if (returned != null) {
            entry.future.completeExceptionally(new UnroutableException(returned.getReplyCode(),
                    returned.getReplyText(), returned.getExchange(), returned.getRoutingKey()));
        } else {
            entry.future.complete(null);
        }
    }

    /**
     * One timer per channel rather than one per message: a sweep fails what is overdue, then comes
     * back for the earliest deadline left. Only a deadline earlier than the scheduled sweep (a
     * producer with a shorter timeout) schedules another. Sweeps run on the completion threads.
     */
    private void scheduleSweep(long at) {
        long scheduled;
        do {
            scheduled = nextSweep.get();
            if (scheduled != NO_SWEEP && scheduled - at <= 0) {
                return;
            }
        } while (!nextSweep.compareAndSet(scheduled, at));
        completions.schedule(this::sweep, Math.max(0, at - System.nanoTime()));
    }

    private void sweep() {
        nextSweep.set(NO_SWEEP);
        long now = System.nanoTime();
        long next = Long.MAX_VALUE;
        for (Map.Entry<Long, Pending> item : pending.entrySet()) {
            Pending entry = item.getValue();
            if (entry.timeout == null) {
                continue;
            }
            if (now - entry.deadline >= 0) {
                if (pending.remove(item.getKey(), entry)) {
                    metrics.confirmTimedOut();
                    entry.future.completeExceptionally(new PublishException("No confirm from the broker within "
                            + entry.timeout + " for " + entry.describe() + "; it may or may not have been routed",
                            null));
                }
            } else {
                next = Math.min(next, entry.deadline - now);
            }
        }
        if (next != Long.MAX_VALUE) {
            scheduleSweep(now + next);
        }
    }
}
