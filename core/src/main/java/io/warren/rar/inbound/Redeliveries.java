package io.warren.rar.inbound;

import io.warren.Queue;
import io.warren.QueueType;
import io.warren.rar.messages.ReceivedMessage;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.logging.Logger;

/**
 * Delayed redelivery on the broker, with no plugin: a failed message is copied into a retry queue
 * whose every message expires after the same delay and is then dead-lettered by the broker, through
 * the default exchange, back to the end of the queue it came from. Only once the broker confirms
 * the copy is the original acked, so the message is always in a queue (on restarts of the broker or
 * the server alike, as durable as the original). One retry queue per distinct delay,
 * {@code <queue>.retries.<delay>ms}, since a queue expires only its head: with one TTL per queue
 * no short wait is stuck behind a long one.
 *
 * <p>The copy carries how many deliveries failed so far and the exchange and routing key it was
 * published with ({@link RetryTrip}), signed ({@link TripSignature}), which is how
 * {@link DeliveryAttempts} counts across the round trip and how the MDB sees the message as
 * published; the broker's {@code x-death} records the trips.
 *
 * <p>Retry queues are quorum queues that dead-letter at least once, whatever the consumed queue's
 * type: a classic queue dead-letters at most once, and would drop the copy whenever the consumed
 * queue cannot take it when it expires (gone after a broker restart, full with reject-publish,
 * deleted by an operator). A quorum queue keeps it and tries again until the consumed queue takes it.
 */
final class Redeliveries {

    /** Failed deliveries of the message before this copy; removed from dead letters, which say it themselves. */
    static final String FAILURES = RetryTrip.FAILURES;

    private static final Logger LOG = Logger.getLogger(Redeliveries.class.getName());

    private final InboundSettings settings;
    private final TripSignature signature;

    Redeliveries(InboundSettings settings, TripSignature signature) {
        this.settings = settings;
        this.signature = signature;
    }

    private static final Pattern RETRY_SUFFIX = Pattern.compile("\\.retries\\.[0-9]+ms");

    static String retryQueue(String queue, long delayMillis) {
        // not the ".retry." of Warren's classic retry queues before: declaring a quorum queue under that name would
        // fail the activation where one is left; those drain back into their queue by themselves
        return queue + ".retries." + delayMillis + "ms";
    }

    static boolean isRetryQueueOf(String candidate, String queue) {
        return candidate.startsWith(queue) && RETRY_SUFFIX.matcher(candidate.substring(queue.length())).matches();
    }

    /** @return the retry queues of every consumed queue, to declare before consuming */
    List<Queue> declarations() {
        List<Queue> declarations = new ArrayList<>();
        if (!settings.redeliveryDelays().enabled()) {
            return declarations;
        }
        for (Queue queue : settings.queues()) {
            for (long delay : settings.redeliveryDelays().all(settings.maxDeliveries())) {
                declarations.add(declaration(queue, delay));
            }
        }
        return declarations;
    }

    private static Queue declaration(Queue consumed, long delay) {
        // quorum queues dead-letter at most once unless asked; at-least-once needs reject-publish
        return Queue.builder(retryQueue(consumed.name(), delay)).durable(true).type(QueueType.QUORUM)
                .messageTtl(Duration.ofMillis(delay))
                .deadLetterExchange("").deadLetterRoutingKey(consumed.name())
                .argument("x-dead-letter-strategy", "at-least-once").overflow("reject-publish")
                .build();
    }

    /**
     * Moves a failed message to the retry queue of its delay, waiting for the broker's confirm.
     *
     * @param failures deliveries of the message that failed, this one included
     * @return false when no delay is configured or the copy could not be made (then the caller
     *         requeues the original at once: redelivered early, never lost)
     */
    boolean delay(DeadLetters publisher, ReceivedMessage message, int failures) {
        RedeliveryDelays delays = settings.redeliveryDelays();
        if (!delays.enabled()) {
            return false;
        }
        long delay = delays.afterFailure(failures);
        Queue consumed = settings.queues().stream().filter(queue -> queue.name().equals(message.queue()))
                .findFirst().orElse(Queue.named(message.queue()));
        Queue retry = declaration(consumed, delay);
        Map<String, Object> trip = new RetryTrip(failures, message.exchange(), message.routingKey())
                .headers(signature, message.queue(), message.rawBody());
        try {
            publisher.sendToQueue(retry, message, trip);
            return true;
        } catch (IOException e) {
            LOG.warning(() -> "Could not move a failed message of queue '" + message.queue() + "' to its retry queue '"
                    + retry.name() + "' (" + e.getMessage() + "); it goes back to its queue at once instead, and "
                    + "its next delivery comes without the delay of " + delay + " ms");
            return false;
        }
    }
}
