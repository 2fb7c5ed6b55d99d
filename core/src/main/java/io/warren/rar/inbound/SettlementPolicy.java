package io.warren.rar.inbound;

import io.warren.Message;
import io.warren.WarrenException;
import io.warren.rar.serialization.Serializers;

import java.util.Set;

/**
 * What becomes of a delivery, decided in one place and nowhere else: every way a delivery can end
 * ({@link Ending}) is turned into one {@link Action}, which the {@link Settler} carries out. A pure
 * function of the ending, the attempt and the activation's settings, so that the rules can be
 * read, and tested, without a broker:
 * <ul>
 *   <li>a content type not accepted, or a body that cannot be decoded: dead-lettered at once;</li>
 *   <li>a message back after its {@code maxDeliveries}-th failed delivery (whose dead letter could
 *       not be sent then): dead-lettered without running the MDB again;</li>
 *   <li>success, or a commit: acked; in {@code ackMode=manual} as the MDB asked;</li>
 *   <li>the container did not run the MDB: requeued, no attempt counted; a stream, which takes
 *       nothing back, is read again from that message by a new consumer;</li>
 *   <li>any other failure (the MDB threw, its transaction rolled back, or its outcome never came):
 *       requeued, counted, until the {@code maxDeliveries}-th, then dead-lettered; with a redelivery
 *       delay, through a retry queue ({@link Redeliveries}); a stream dead-letters it at once;</li>
 *   <li>a batch ({@code batchSize}): acked, or turned away, as a whole; a failed batch settles
 *       nothing, and each of its messages is delivered again alone, which decides its fate as above.</li>
 * </ul>
 * Immutable.
 */
final class SettlementPolicy {

    /** How a delivery ended, as far as the settlement cares. */
    sealed interface Ending {
        /** The container did not let the MDB run (not ready, stopping, or it turned the delivery away). */
        record Refused() implements Ending {
        }

        /**
         * afterDelivery returned and no transaction settles the delivery.
         *
         * @param failure what the MDB or the container threw, or null
         * @param byListener what the MDB did itself in manual ack mode; {@code PENDING} when nothing
         */
        record Returned(Throwable failure, Message.Outcome byListener) implements Ending {
        }

        /** @param asked what the MDB asked for inside the transaction (manual ack mode), or null */
        record Committed(Throwable failure, Message.Outcome asked) implements Ending {
        }

        /** @param failure what the MDB threw, or null when only the transaction failed */
        record RolledBack(Throwable failure) implements Ending {
        }

        /** The delivery was transacted, but its transaction's outcome never reached Warren. */
        record OutcomeLost(Throwable failure) implements Ending {
        }

        /** A failure of Warren's own (or the container's) outside any rule: the message is given back. */
        record Unexpected() implements Ending {
        }
    }

    /** What the {@link Settler} does with the message. */
    sealed interface Action {
        /** Run the MDB: the message may be delivered. */
        record Deliver() implements Action {
        }

        /** Ack, and forget the attempts counted. */
        record Ack() implements Action {
        }

        /** The MDB acked it itself: only forget the attempts counted. */
        record Forget() implements Action {
        }

        /** The MDB rejected or requeued it itself, outside a transaction: nothing is left to do. */
        record Leave() implements Action {
        }

        /** Reject or requeue as the MDB asked inside its transaction, now that it committed. */
        record AsAsked(Message.Outcome outcome) implements Action {
        }

        /**
         * Back to the queue, no attempt counted: the MDB never saw it. The consumer holds back.
         *
         * @param cause the container's refusal when it came as an exception, for the log; or null
         */
        record RequeueUncounted(Throwable cause) implements Action {
        }

        /** A stream takes nothing back: a new consumer reads it again from this message. The consumer holds back. */
        record Rewind() implements Action {
        }

        /** Back to the queue at once, the attempt counted. */
        record Requeue(int attempt, Throwable reason) implements Action {
        }

        /** Through a retry queue, to come back after the delay; at once, counted, if the copy cannot be made. */
        record Delay(int attempt, Throwable reason) implements Action {
        }

        /**
         * To the dead-letter target, then acked; requeued, counted, if the target does not take it.
         *
         * @param deliveries the failed deliveries, as the dead letter's header says them
         * @param undecodable whether it counts as a message that could not be decoded
         */
        record DeadLetter(String reason, Throwable failure, int deliveries, boolean undecodable) implements Action {
        }

        /** After an unexpected failure: back to the queue, or read again from a stream, counting nothing. */
        record GiveBack() implements Action {
        }

        /**
         * A batch failed as a whole, and whose message was at fault is not known: none is settled,
         * each is delivered again alone ({@link #aloneAfterBatch}), and those deliveries decide.
         */
        record SingleOut() implements Action {
        }
    }

    private static final Action DELIVER = new Action.Deliver();
    private static final Action ACK = new Action.Ack();
    private static final Action SINGLE_OUT = new Action.SingleOut();

    private final int maxDeliveries;
    private final boolean stream;
    private final boolean delayed;
    private final boolean manual;

    /**
     * @param delayed whether failed messages wait in a retry queue ({@code redeliveryDelayMillis})
     * @param manual whether the MDB settles its messages itself ({@code ackMode=manual})
     */
    SettlementPolicy(int maxDeliveries, boolean stream, boolean delayed, boolean manual) {
        this.maxDeliveries = maxDeliveries;
        this.stream = stream;
        this.delayed = delayed;
        this.manual = manual;
    }

    static SettlementPolicy of(InboundSettings settings) {
        return new SettlementPolicy(settings.maxDeliveries(), settings.stream(), settings.redeliveryDelays().enabled(),
                settings.ackMode() == InboundSettings.AckMode.MANUAL);
    }

    /** @return whether the MDB settles its messages itself */
    boolean manual() {
        return manual;
    }

    /**
     * Before the MDB runs: whether this delivery may run it at all.
     *
     * @param unreadable why Warren's frame layer could not read the message, or null when it could
     * @param mediaType the message's content type without parameters
     * @param accepted the media types the MDB accepts
     * @param attempt which delivery of the message this is, 1 for the first
     * @return {@link Action.Deliver}, or a dead letter
     */
    Action admit(String unreadable, String mediaType, Set<String> accepted, int attempt) {
        if (unreadable != null) {
            return new Action.DeadLetter("Warren could not read it: " + unreadable, null, attempt, true);
        }
        if (!accepted.contains(mediaType)) {
            return new Action.DeadLetter("content type '" + mediaType + "' is not accepted (accepted: " + accepted
                    + Serializers.optInHint(mediaType) + ")", null, attempt, true);
        }
        if (attempt > maxDeliveries) {
            // its last failure could not be dead-lettered then: do it now, without running the MDB again
            return new Action.DeadLetter(tooMany(attempt - 1), null, attempt - 1, false);
        }
        return DELIVER;
    }

    /** @return what becomes of a delivery that ended so, at that attempt */
    Action decide(Ending ending, int attempt) {
        if (ending instanceof Ending.Returned returned) {
            return returned(returned, attempt);
        }
        if (ending instanceof Ending.Committed committed) {
            return committed(committed, attempt);
        }
        if (ending instanceof Ending.RolledBack rolledBack) {
            return failed(rolledBack.failure() != null ? rolledBack.failure()
                    : new IllegalStateException("the MDB's transaction rolled back"), attempt);
        }
        if (ending instanceof Ending.OutcomeLost lost) {
            // Payara logs a commit that failed and returns normally: it may not have committed, so no ack
            return failed(lost.failure() != null ? lost.failure() : new IllegalStateException("the container ended "
                    + "the delivery's transaction without its outcome reaching Warren; the message may not have "
                    + "been handled"), attempt);
        }
        if (ending instanceof Ending.Refused) {
            return refused(null);
        }
        return new Action.GiveBack();
    }

    /**
     * What becomes of a batch (of messages at their first attempt, {@code ackMode=container}, no
     * stream) that ended so: the same action for each of its messages, but a failure, which may be
     * any one message's, settles none of them and singles them out instead.
     */
    Action decideBatch(Ending ending) {
        Action action = decide(ending, 1);
        boolean failed = action instanceof Action.Requeue || action instanceof Action.Delay
                || action instanceof Action.DeadLetter;
        return failed ? SINGLE_OUT : action;
    }

    /**
     * @param attempt the batch's attempt of the message
     * @return the attempt of its delivery alone after the batch failed: the batch's failure counts, but never
     *     uses up the message's last delivery, so that only a failure of its own dead-letters it
     */
    int aloneAfterBatch(int attempt) {
        return Math.min(attempt + 1, maxDeliveries);
    }

    private Action returned(Ending.Returned returned, int attempt) {
        if (manual && returned.byListener() != Message.Outcome.PENDING) {
            // what the MDB did went out already, even if it threw afterwards
            return returned.byListener() == Message.Outcome.ACKED ? new Action.Forget() : new Action.Leave();
        }
        if (returned.failure() != null) {
            return failed(returned.failure(), attempt);
        }
        return manual ? failed(notSettledByListener(), attempt) : ACK;
    }

    /**
     * A delivery that threw is not acked even though the container committed: WildFly commits
     * when it turns the delivery away before the MDB runs (while it stops the MDB), as does any
     * container for an application exception marked {@code rollback=false}.
     */
    private Action committed(Ending.Committed committed, int attempt) {
        if (committed.failure() != null) {
            return failed(committed.failure(), attempt);
        }
        if (!manual || committed.asked() == Message.Outcome.ACKED) {
            return ACK;
        }
        if (committed.asked() != null) {
            return new Action.AsAsked(committed.asked());
        }
        return failed(notSettledByListener(), attempt);
    }

    private Action failed(Throwable cause, int attempt) {
        if (ContainerFailures.isRefusal(cause)) {
            return refused(cause);
        }
        Throwable reason = ContainerFailures.applicationCause(cause);
        if (ContainerFailures.isDecodeFailure(cause)) {
            return new Action.DeadLetter("the body could not be decoded", reason, attempt, true);
        }
        if (attempt >= maxDeliveries) {
            return new Action.DeadLetter(tooMany(attempt), reason, attempt, false);
        }
        if (stream) {
            return new Action.DeadLetter("its delivery failed, and a stream cannot take a message back", reason,
                    attempt, false);
        }
        return delayed ? new Action.Delay(attempt, reason) : new Action.Requeue(attempt, reason);
    }

    private Action refused(Throwable cause) {
        return stream ? new Action.Rewind() : new Action.RequeueUncounted(cause);
    }

    private String tooMany(int failures) {
        return "delivery failed " + failures + " times (maxDeliveries=" + maxDeliveries + ")";
    }

    private static IllegalStateException notSettledByListener() {
        return new IllegalStateException("ackMode=manual, but the MDB returned without calling ack(), reject() or "
                + "requeue()");
    }

    /**
     * What an MDB in manual ack mode may ask for outside a transaction.
     *
     * @throws WarrenException for a reject or requeue on a stream: RabbitMQ would close the whole connection
     */
    void checkListenerSettlement(Message.Outcome outcome) {
        if (stream && outcome != Message.Outcome.ACKED) {
            throw new WarrenException("A stream cannot reject or requeue a message: ack it (it stays in the stream "
                    + "either way), or throw to have Warren dead-letter it");
        }
    }
}
