package io.warren.rar.inbound;

import com.rabbitmq.client.ShutdownSignalException;
import io.warren.Message;
import io.warren.WarrenException;
import io.warren.rar.messages.ReceivedMessage;
import io.warren.rar.metrics.ActivationMetrics;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out what the {@link SettlementPolicy} decided for a delivery of one consumer, and is the
 * only class of the delivery path that settles on the channel, counts attempts, dead-letters or
 * moves a message to a retry queue:
 * <ul>
 *   <li>acks are held back and coalesced ({@link AckCoalescer}); a dead letter or a retry copy waits
 *       for the broker's confirm, so the acks held back are sent first rather than wait with it, and
 *       once the copy is confirmed the original's ack is sent at once, never held: it may be settled
 *       on the reaper's thread while the MDB still runs, where no held ack is watched;</li>
 *   <li>a dead letter that the broker did not take into a queue: the original is requeued, never
 *       acked, and the consumer holds back before its next delivery, so that a missing dead-letter
 *       target costs a retry a second at most rather than a spin; as after a refusal;</li>
 *   <li>a channel that closed under a delivery cannot settle it: the broker has requeued it already.</li>
 * </ul>
 * Threading: called on the consumer's Work, and for a transaction rolled back by the reaper on the
 * reaper's thread; it keeps no state of its own (the coalescer, the attempts and the stream
 * positions are thread-safe).
 */
final class Settler {

    private static final Logger LOG = Logger.getLogger(Settler.class.getName());

    private final DeliveryContext context;
    private final AckCoalescer acks;
    private final Consumer<ReceivedMessage> rewind;
    private final ReplySender replies;

    /** Publishes a replying MDB's answer on the consumer's channel. */
    interface ReplySender {
        void send(Reply reply) throws IOException;
    }

    /**
     * @param rewind for a stream: replaces the consumer, which reads again from the message given
     * @param replies where the answers of a replying MDB go, just before their requests' acks
     */
    Settler(DeliveryContext context, AckCoalescer acks, Consumer<ReceivedMessage> rewind, ReplySender replies) {
        this.context = context;
        this.acks = acks;
        this.rewind = rewind;
        this.replies = replies;
    }

    /**
     * Asks the policy what becomes of a delivery that ended so, and carries it out.
     *
     * @return whether the consumer should hold back before its next delivery
     */
    boolean settle(ReceivedMessage message, int attempt, SettlementPolicy.Ending ending, Reply reply) {
        SettlementPolicy.Action action = context.policy().decide(ending, attempt);
        if (reply != null && acks(action) && !sent(message, reply)
                && !(action instanceof SettlementPolicy.Action.Forget)) {
            // the MDB's own ack (Forget) went out already: nothing can be given back, the asker times out
            giveBack(message);
            return true;
        }
        return carryOut(message, action);
    }

    /** @return whether the request is acked: by Warren, or by an MDB in manual ack mode (Forget: it acked already) */
    private static boolean acks(SettlementPolicy.Action action) {
        return action instanceof SettlementPolicy.Action.Ack || action instanceof SettlementPolicy.Action.Forget
                || action instanceof SettlementPolicy.Action.AsAsked asked && asked.outcome() == Message.Outcome.ACKED;
    }

    /**
     * The reply goes out just before the request's ack, so that a request is never acked unanswered:
     * a reply that cannot be sent gives the request back, to be answered again.
     *
     * @return whether the channel took the reply
     */
    private boolean sent(ReceivedMessage message, Reply reply) {
        try {
            replies.send(reply);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "Could not send the reply of " + context.description() + " to '" + reply.replyTo()
                    + "' for a request from queue '" + message.queue() + "' (" + e + "); the request goes back to its "
                    + "queue to be answered again");
            return false;
        }
    }

    /** @return what the policy makes of a batch that ended so, for each of its messages */
    SettlementPolicy.Action decideBatch(SettlementPolicy.Ending ending) {
        return context.policy().decideBatch(ending);
    }

    /**
     * Does what the policy decided.
     *
     * @return whether the consumer should hold back before its next delivery: the container turns
     *         deliveries away for a while, or the dead-letter target does not take them, and the
     *         prefetched messages would only spin through the same
     */
    boolean carryOut(ReceivedMessage message, SettlementPolicy.Action action) {
        try {
            return carryOutOrThrow(message, action);
        } catch (RuntimeException e) {
            // Thrown here it would end the consumer's Work, or vanish in the transaction manager's
            // synchronization, leaving the delivery unsettled and its prefetch slot taken for good.
            LOG.log(Level.SEVERE, "Could not carry out " + action.getClass().getSimpleName() + " for a message of "
                    + context.description() + " from queue '" + message.queue() + "'; it goes back to its queue", e);
            giveBack(message);
            return true;
        }
    }

    private boolean carryOutOrThrow(ReceivedMessage message, SettlementPolicy.Action action) {
        ActivationMetrics metrics = context.metrics();
        if (action instanceof SettlementPolicy.Action.Ack) {
            ack(message);
        } else if (action instanceof SettlementPolicy.Action.Forget) {
            context.attempts().settled(message);
            streamSettled(message);
        } else if (action instanceof SettlementPolicy.Action.AsAsked asked) {
            onChannel(message, asked.outcome());
        } else if (action instanceof SettlementPolicy.Action.RequeueUncounted refused) {
            if (refused.cause() != null) {
                LOG.log(Level.FINE, "The container turned away a delivery from queue ''{0}'' ({1}); requeued",
                        new Object[] {message.queue(), refused.cause()});
            }
            metrics.refused();
            context.attempts().refused(message);
            onChannel(message, Message.Outcome.REQUEUED);
            return true;
        } else if (action instanceof SettlementPolicy.Action.Rewind) {
            metrics.refused();
            rewind.accept(message);
            return true;
        } else if (action instanceof SettlementPolicy.Action.Requeue requeue) {
            logRequeue(message, requeue.attempt(), requeue.reason());
            requeueCounted(message, requeue.attempt());
            context.tracing().retried(requeue.attempt(), false, requeue.reason());
        } else if (action instanceof SettlementPolicy.Action.Delay delay) {
            logRequeue(message, delay.attempt(), delay.reason());
            acks.flushQuietly();
            if (context.redeliveries().delay(context.deadLetters(), message, delay.attempt())) {
                ackCopied(message);
                context.tracing().retried(delay.attempt(), true, delay.reason());
            } else {
                requeueCounted(message, delay.attempt());
            }
        } else if (action instanceof SettlementPolicy.Action.DeadLetter deadLetter) {
            return !deadLetter(message, deadLetter);
        } else if (action instanceof SettlementPolicy.Action.GiveBack) {
            giveBack(message);
        }
        // Leave: the MDB's own reject or requeue went out already; Deliver and SingleOut are no settlements
        return false;
    }

    private void ack(ReceivedMessage message) {
        context.attempts().settled(message);
        onChannel(message, Message.Outcome.ACKED);
    }

    /** The message's copy is confirmed in another queue: the original is acked now, not held. */
    private void ackCopied(ReceivedMessage message) {
        context.attempts().settled(message);
        onChannel(message, Message.Outcome.ACKED, true);
    }

    private void requeueCounted(ReceivedMessage message, int attempt) {
        context.attempts().failed(message, attempt);
        onChannel(message, Message.Outcome.REQUEUED);
    }

    private static void logRequeue(ReceivedMessage message, int attempt, Throwable reason) {
        LOG.log(Level.FINE, "Delivery {0} of a message from queue ''{1}'' failed ({2}); requeued",
                new Object[] {attempt, message.queue(), reason});
    }

    /** @return whether the copy is in a queue and the original acked */
    private boolean deadLetter(ReceivedMessage message, SettlementPolicy.Action.DeadLetter action) {
        if (action.undecodable()) {
            context.metrics().decodeFailed();
        }
        acks.flushQuietly();
        DeadLetters deadLetters = context.deadLetters();
        String reason = action.reason();
        Throwable failure = action.failure();
        try {
            deadLetters.send(message, reason, failure, action.deliveries());
        } catch (IOException e) {
            LOG.severe(() -> "Could not dead-letter a message of " + context.description() + " from queue '"
                    + message.queue() + "' to " + deadLetters.target(message.queue()) + " (" + e.getMessage()
                    + "); it was to be dead-lettered because " + reason + ". It goes back to queue '"
                    + message.queue() + "', not acked, and is dead-lettered when it comes back and the target takes it");
            requeueCounted(message, action.deliveries());
            return false;
        }
        LOG.warning(() -> "Dead-lettered a message of " + context.description() + " from queue '" + message.queue()
                + "' to " + deadLetters.target(message.queue()) + ": " + reason
                + (failure == null ? "" : " (" + failure.getClass().getName() + ": "
                + DeadLetters.cut(String.valueOf(failure.getMessage())) + ")"));
        context.metrics().deadLettered();
        ackCopied(message);
        context.tracing().deadLettered(deadLetters.target(message.queue()), reason);
        return true;
    }

    /** After a failure of ours: back to the queue, counting nothing; a stream's consumer reads it again. */
    private void giveBack(ReceivedMessage message) {
        if (context.settings().stream()) {
            rewind.accept(message);
            return;
        }
        try {
            acks.rejected(message.deliveryTag(), true);
        } catch (IOException | ShutdownSignalException e) {
            LOG.log(Level.FINE, "Could not requeue on a closed channel; the broker requeues it", e);
        }
    }

    /** Settles on the channel and records it on the message; on a closed channel the broker redelivers it. */
    private void onChannel(ReceivedMessage message, Message.Outcome outcome) {
        onChannel(message, outcome, false);
    }

    /** @param now for an ack: sent at once with those held, never held back itself */
    private void onChannel(ReceivedMessage message, Message.Outcome outcome, boolean now) {
        try {
            send(message.deliveryTag(), outcome, now);
            message.markSettled(outcome);
            if (outcome == Message.Outcome.ACKED) {
                streamSettled(message);
            }
        } catch (IOException | ShutdownSignalException e) {
            LOG.log(Level.FINE, "Could not settle a message from queue ''{0}'' on a closed channel; "
                    + "the broker redelivers it", message.queue());
        }
    }

    private void streamSettled(ReceivedMessage message) {
        if (context.settings().stream()) {
            context.streamPositions().settled(message.queue(), message.header("x-stream-offset"));
        }
    }

    /** Settles at once what an MDB in manual ack mode asked for, outside a transaction. */
    void settleForListener(long tag, Message.Outcome outcome) {
        context.policy().checkListenerSettlement(outcome);
        try {
            send(tag, outcome, false);
        } catch (IOException | ShutdownSignalException e) {
            throw new WarrenException("The channel of this delivery closed; the broker redelivers the message", e);
        }
    }

    private void send(long tag, Message.Outcome outcome, boolean now) throws IOException {
        switch (outcome) {
            case ACKED -> {
                if (now) {
                    acks.ackedNow(tag);
                } else {
                    acks.acked(tag);
                }
            }
            case REJECTED -> acks.rejected(tag, false);
            case REQUEUED -> acks.rejected(tag, true);
            default -> throw new IllegalArgumentException(outcome.name());
        }
        context.metrics().settled(outcome);
    }
}
