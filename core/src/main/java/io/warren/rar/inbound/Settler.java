package io.warren.rar.inbound;

import com.rabbitmq.client.ShutdownSignalException;
import io.warren.Message;
import io.warren.WarrenException;
import io.warren.rar.messages.ReceivedMessage;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What becomes of a delivery of one consumer, in one place: the settlement policy.
 * <ul>
 *   <li>success: acked (held back and coalesced, {@link AckCoalescer});</li>
 *   <li>the container did not run the MDB: requeued, no attempt counted;</li>
 *   <li>a body that cannot be decoded, or a content type not accepted: dead-lettered at once;</li>
 *   <li>any other failure: requeued until the {@code maxDeliveries}-th, then dead-lettered; with a
 *       redelivery delay, requeued through a retry queue ({@link Redeliveries});</li>
 *   <li>a stream takes nothing back: a failure is dead-lettered at once, and a delivery the
 *       container turned away is read again by a new consumer;</li>
 *   <li>a dead letter that the broker did not take into a queue: the original is requeued, never
 *       acked, and the consumer pauses before it takes the next delivery, so that a missing
 *       dead-letter target costs a retry a second at most rather than a spin.</li>
 * </ul>
 * A channel that closed under a delivery cannot settle it: the broker has requeued it already.
 */
final class Settler {

    private static final Logger LOG = Logger.getLogger(Settler.class.getName());

    private final Activation activation;
    private final AckCoalescer acks;
    private final Consumer<ReceivedMessage> rewind;

    /** @param rewind for a stream: replaces the consumer, which reads again from the message given */
    Settler(Activation activation, AckCoalescer acks, Consumer<ReceivedMessage> rewind) {
        this.activation = activation;
        this.acks = acks;
        this.rewind = rewind;
    }

    void succeeded(ReceivedMessage message) {
        activation.attempts().settled(message);
        settle(message, Message.Outcome.ACKED);
    }

    /** The MDB acked the message itself: nothing more to remember of it. */
    void forget(ReceivedMessage message) {
        activation.attempts().settled(message);
        streamSettled(message);
    }

    private void streamSettled(ReceivedMessage message) {
        if (activation.settings().stream()) {
            activation.streamPositions().settled(message.queue(), message.header("x-stream-offset"));
        }
    }

    /**
     * The delivery failed: the MDB threw, its transaction rolled back, or the container turned it away.
     *
     * @return whether the container turned it away (the MDB did not run)
     */
    boolean failed(ReceivedMessage message, Throwable cause, int attempt) {
        if (ContainerFailures.isRefusal(cause)) {
            LOG.log(Level.FINE, "The container turned away a delivery from queue ''{0}'' ({1}); requeued",
                    new Object[] {message.queue(), cause});
            refused(message);
            return true;
        }
        Throwable reason = ContainerFailures.applicationCause(cause);
        int maxDeliveries = activation.settings().maxDeliveries();
        if (ContainerFailures.isDecodeFailure(cause)) {
            activation.metrics().decodeFailed();
            deadLetter(message, "the body could not be decoded", reason, attempt);
        } else if (attempt >= maxDeliveries) {
            deadLetter(message, "delivery failed " + attempt + " times (maxDeliveries=" + maxDeliveries + ")",
                    reason, attempt);
        } else if (activation.settings().stream()) {
            deadLetter(message, "its delivery failed, and a stream cannot take a message back", reason, attempt);
        } else {
            LOG.log(Level.FINE, "Delivery {0} of a message from queue ''{1}'' failed ({2}); requeued",
                    new Object[] {attempt, message.queue(), reason});
            requeue(message, attempt);
        }
        return false;
    }

    /** Back to the queue after a failure: through a retry queue when a redelivery delay is set, else at once. */
    private void requeue(ReceivedMessage message, int attempt) {
        if (activation.settings().redeliveryDelays().enabled()) {
            acks.flushQuietly(); // the copy waits for a confirm: the acks held back do not wait with it
            if (activation.redeliveries().delay(activation.deadLetters(), message, attempt)) {
                activation.attempts().settled(message);
                settle(message, Message.Outcome.ACKED);
                return;
            }
        }
        activation.attempts().failed(message, attempt);
        settle(message, Message.Outcome.REQUEUED);
    }

    /** The MDB never saw the message: back to its queue, and no delivery attempt counted. */
    void refused(ReceivedMessage message) {
        activation.metrics().refused();
        if (activation.settings().stream()) {
            rewind.accept(message); // a stream takes nothing back: its consumer reads again from this message
            return;
        }
        activation.attempts().refused(message);
        settle(message, Message.Outcome.REQUEUED);
    }

    /** Sends a copy to the dead-letter target, then acks the original; requeues it if the copy is not in a queue. */
    void deadLetter(ReceivedMessage message, String reason, Throwable failure, int attempt) {
        // the copy waits for the broker's confirm: the acks held back do not wait with it
        acks.flushQuietly();
        DeadLetters deadLetters = activation.deadLetters();
        try {
            deadLetters.send(message, reason, failure, attempt);
        } catch (IOException e) {
            LOG.severe(() -> "Could not dead-letter a message of " + activation.describe() + " from queue '"
                    + message.queue() + "' to "
                    + deadLetters.target(message.queue()) + " (" + e.getMessage() + "); it was to be dead-lettered "
                    + "because " + reason + ". It goes back to queue '" + message.queue() + "', not acked, and is "
                    + "dead-lettered when it comes back and the target takes it");
            activation.attempts().failed(message, attempt);
            settle(message, Message.Outcome.REQUEUED);
            activation.pauseBeforeRetry();
            return;
        }
        LOG.warning(() -> "Dead-lettered a message of " + activation.describe() + " from queue '" + message.queue()
                + "' to "
                + deadLetters.target(message.queue()) + ": " + reason
                + (failure == null ? "" : " (" + failure.getClass().getName() + ": "
                + DeadLetters.cut(String.valueOf(failure.getMessage())) + ")"));
        activation.metrics().deadLettered();
        activation.attempts().settled(message);
        settle(message, Message.Outcome.ACKED);
    }

    /** Settles as the MDB asked in manual ack mode, or as the policy decided; records it on the message. */
    void settle(ReceivedMessage message, Message.Outcome outcome) {
        try {
            onChannel(message.deliveryTag(), outcome);
            message.markSettled(outcome);
            if (outcome == Message.Outcome.ACKED) {
                streamSettled(message);
            }
        } catch (IOException | ShutdownSignalException e) {
            LOG.log(Level.FINE, "Could not settle a message from queue ''{0}'' on a closed channel; "
                    + "the broker redelivers it", message.queue());
        }
    }

    /** Settles at once what an MDB in manual ack mode asked for, outside a transaction. */
    void settleForListener(long tag, Message.Outcome outcome) {
        if (outcome != Message.Outcome.ACKED && activation.settings().stream()) {
            // RabbitMQ closes the whole connection for a reject or nack on a stream
            throw new WarrenException("A stream cannot reject or requeue a message: ack it (it stays in the stream "
                    + "either way), or throw to have Warren dead-letter it");
        }
        try {
            onChannel(tag, outcome);
        } catch (IOException | ShutdownSignalException e) {
            throw new WarrenException("The channel of this delivery closed; the broker redelivers the message", e);
        }
    }

    private void onChannel(long tag, Message.Outcome outcome) throws IOException {
        switch (outcome) {
            case ACKED -> acks.acked(tag);
            case REJECTED -> acks.rejected(tag, false);
            case REQUEUED -> acks.rejected(tag, true);
            default -> throw new IllegalArgumentException(outcome.name());
        }
        activation.metrics().settled(outcome);
    }
}
