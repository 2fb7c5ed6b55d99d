package io.warren.rar.outbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import io.warren.Message;
import io.warren.RequestTimeoutException;
import io.warren.UnroutableException;
import io.warren.WarrenException;
import io.warren.rar.messages.ReceivedMessage;
import io.warren.rar.metrics.FactoryMetrics;
import io.warren.rar.serialization.Serializers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The requests of one connection factory that wait for their replies, by correlation id. Each is
 * registered before its request is published, so that no reply can come first; each ends once: by
 * its reply, its timeout, a return, or the loss of the reply consumer, whichever comes first.
 * Futures the application sees are completed on the adapter's completion threads, never on the
 * AMQP client's thread that brings the reply nor on the caller's.
 *
 * <p>A reply that matches no waiting request (it came after the timeout, or twice) is dropped:
 * the first is logged as a warning, the next ones at FINE, so that a slow responder does not flood
 * the log; the factory's metrics count them all, as they count how each request ended.
 */
final class PendingRequests {

    private static final Logger LOG = Logger.getLogger(PendingRequests.class.getName());

    private final Map<String, Pending> waiting = new ConcurrentHashMap<>();
    private final Completions completions;
    private final String factory;
    private final FactoryMetrics metrics;
    private final AtomicBoolean warnedUnmatched = new AtomicBoolean();

    /**
     * What a request expects of its replies.
     *
     * @param serializers how its replies are decoded
     * @param last which reply ends it: the others (a responder's interim replies) are passed over
     * @param waitedOn whether only the caller waits on the future, which no one else sees: it is then
     *     completed on the thread that ends it, sparing a hand-over to a completion thread, as no stage
     *     of the application's can run there
     */
    record Expectation(Serializers serializers, Predicate<? super Message> last, boolean waitedOn) {
    }

    /** One request waiting: what its failures name, how its replies are read, and since when it waits. */
    private record Pending(CompletableFuture<Message> reply, String exchange, String routingKey, Duration timeout,
                           Expectation expectation, long sinceNanos, ScheduledFuture<?>[] timer) {
    }

    /** @param factory the connection factory, for the log */
    PendingRequests(Completions completions, FactoryMetrics metrics, String factory) {
        this.completions = completions;
        this.metrics = metrics;
        this.factory = factory;
    }

    /**
     * Registers a request about to be published.
     *
     * @throws WarrenException when a request with that correlation id waits already
     */
    CompletableFuture<Message> expect(String correlationId, String exchange, String routingKey, Duration timeout,
                                      Expectation expectation) {
        Pending pending = new Pending(new CompletableFuture<>(), exchange, routingKey, timeout, expectation,
                System.nanoTime(), new ScheduledFuture<?>[1]);
        if (waiting.putIfAbsent(correlationId, pending) != null) {
            throw new WarrenException("A request with correlation id '" + correlationId + "' already waits for its "
                    + "reply on " + factory + "; give each request its own correlation id, or none to have one generated");
        }
        // counted as it is registered, so that the sum of how requests ended and those in flight always
        // makes the count; one that cannot be published is taken back (forget)
        metrics.requestSent();
        pending.timer()[0] = completions.schedule(() -> end(correlationId, metrics::requestTimedOut,
                p -> new RequestTimeoutException(p.exchange(), p.routingKey(), p.timeout(), correlationId)),
                timeout.toNanos());
        return pending.reply();
    }

    /** The request could not be published: it waits no more, and the caller is told why. */
    void forget(String correlationId) {
        Pending pending = waiting.remove(correlationId);
        if (pending != null) {
            cancelTimer(pending);
            metrics.requestNotSent();
        }
    }

    /**
     * A reply arrived on the client's thread: it completes its request, is passed over as an interim
     * reply (the request waits on), or is dropped.
     */
    void replied(String queue, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        String correlationId = properties.getCorrelationId();
        Pending pending = correlationId == null ? null : waiting.get(correlationId);
        if (pending == null) {
            dropped(queue, correlationId);
            return;
        }
        // the reply consumer acks on arrival (direct reply-to knows no other mode): nothing to settle
        ReceivedMessage reply = new ReceivedMessage(queue, envelope, properties, body,
                pending.expectation().serializers(), Set.of(), (tag, outcome) -> { });
        reply.markSettled(Message.Outcome.ACKED);
        boolean last;
        try {
            last = pending.expectation().last().test(reply);
        } catch (RuntimeException e) {
            end(correlationId, metrics::requestFailed, p -> new WarrenException("The test of the last reply to the request with correlation id '"
                    + correlationId + "' failed: " + e, e));
            return;
        }
        if (!last) {
            LOG.log(Level.FINE, "Passed over an interim reply on ''{0}'' to the request with correlation id ''{1}''",
                    new Object[] {queue, correlationId});
            return;
        }
        // only the one that removes it ends it: its timer may have fired meanwhile
        if (!waiting.remove(correlationId, pending)) {
            dropped(queue, correlationId);
            return;
        }
        cancelTimer(pending);
        metrics.replied(System.nanoTime() - pending.sinceNanos());
        complete(pending, () -> pending.reply().complete(reply));
    }

    /** The broker returned a mandatory request no queue received. */
    void returned(String correlationId, int replyCode, String replyText, String exchange, String routingKey) {
        if (correlationId != null) {
            end(correlationId, metrics::requestReturned,
                    p -> new UnroutableException(replyCode, replyText, exchange, routingKey));
        }
    }

    /** Fails every waiting request, their replies being unable to arrive, each naming its exchange and routing key. */
    void failAll(String reason) {
        List<String> ids = new ArrayList<>(waiting.keySet());
        for (String id : ids) {
            end(id, metrics::requestFailed, p -> new WarrenException("No reply can come any more to the request "
                    + "published to exchange '" + p.exchange() + "' with routing key '" + p.routingKey()
                    + "' (correlation id '" + id + "'): " + reason));
        }
    }

    /** Fails the request if it still waits, counted first: whoever its failure wakes sees the count. */
    private void end(String correlationId, Runnable count, Function<Pending, RuntimeException> failure) {
        Pending pending = waiting.remove(correlationId);
        if (pending != null) {
            cancelTimer(pending);
            count.run();
            RuntimeException cause = failure.apply(pending);
            complete(pending, () -> pending.reply().completeExceptionally(cause));
        }
    }

    private void complete(Pending pending, Runnable completion) {
        if (pending.expectation().waitedOn()) {
            completion.run();
        } else {
            completions.execute(completion);
        }
    }

    private static void cancelTimer(Pending pending) {
        ScheduledFuture<?> timer = pending.timer()[0];
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void dropped(String queue, String correlationId) {
        metrics.replyDropped();
        if (warnedUnmatched.compareAndSet(false, true)) {
            LOG.warning(() -> "Dropped a reply on '" + queue + "' of " + factory + " with correlation id '"
                    + correlationId + "': no request waits for it (it came after the request's timeout, or twice). "
                    + "Further such replies are logged at FINE only");
        } else {
            LOG.log(Level.FINE, "Dropped a reply on ''{0}'' with correlation id ''{1}'': no request waits for it",
                    new Object[] {queue, correlationId});
        }
    }

    /** @return how many requests wait for their replies */
    int size() {
        return waiting.size();
    }
}
