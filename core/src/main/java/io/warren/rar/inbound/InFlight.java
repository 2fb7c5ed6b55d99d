package io.warren.rar.inbound;

import io.warren.Message;
import io.warren.rar.messages.ReceivedMessage;

import java.util.List;

/**
 * One delivery under way, of one message or of a batch ({@code batchSize}), ended once: by its
 * transaction's outcome when the container runs it in one ({@link DeliverySynchronization} or {@link DeliveryTransaction}), or else when afterDelivery
 * has returned. It knows only when a delivery ends and how
 * ({@link SettlementPolicy.Ending}); what becomes of the message is the policy's, carried out by
 * the {@link Settler}. A batch's ending settles each of its messages alike, but a failed batch
 * settles none: it is {@linkplain #singledOut() singled out}, its messages left to be delivered again alone.
 *
 * <p>Threading: made and finished on the consumer's Work; the transaction's outcome may arrive on
 * another thread while the MDB still runs (the transaction reaper rolling back), so the ending
 * methods are synchronized and the first ending wins. Every ending happens before {@link #finish()}
 * returns or is ignored, so the consumer reads {@link #holdsBack()} after it and misses none.
 */
final class InFlight implements DeliveryTransaction.Outcome {

    private final List<ReceivedMessage> messages;
    /** The attempt of every message (a batch holds messages at their first only). */
    private final int attempt;
    /** Where the MDB's own settlement goes (manual ack mode), or null. */
    private final ListenerSettlement listener;
    private final Settler settler;
    private boolean transacted;
    private Throwable failure;
    private boolean ended;
    private boolean holdBack;
    private boolean singledOut;
    /** What a replying MDB answered, published only if the request is acked; or null. */
    private Reply reply;

    /** @param attempt which delivery of the message this is, 1 for the first */
    InFlight(ReceivedMessage message, int attempt, ListenerSettlement listener, Settler settler) {
        this(List.of(message), attempt, listener, settler);
    }

    private InFlight(List<ReceivedMessage> messages, int attempt, ListenerSettlement listener, Settler settler) {
        this.messages = messages;
        this.attempt = attempt;
        this.listener = listener;
        this.settler = settler;
    }

    /** @param messages two or more, each at its first attempt, settled by Warren ({@code ackMode=container}) */
    static InFlight batch(List<ReceivedMessage> messages, Settler settler) {
        return new InFlight(List.copyOf(messages), 1, null, settler);
    }

    /** @return the message, or a batch's first */
    ReceivedMessage message() {
        return messages.get(0);
    }

    /** @return the messages, as the MDB's {@code onMessages} takes them */
    List<Message> messages() {
        return List.copyOf(messages);
    }

    boolean isBatch() {
        return messages.size() > 1;
    }

    /** The container runs this delivery in a transaction whose outcome reaches Warren. */
    synchronized void inTransaction() {
        transacted = true;
        if (listener != null) {
            listener.inTransaction();
        }
    }

    /** The MDB answered the request: the answer goes out with the ack, and not without it. */
    synchronized void replyWith(Reply answer) {
        reply = answer;
    }

    synchronized void failedWith(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
    }

    @Override
    public synchronized void committed() {
        // too late after finish(): the message was given back already
        end(new SettlementPolicy.Ending.Committed(failure, listener == null ? null : listener.askedInTransaction()));
    }

    @Override
    public synchronized void rolledBack() {
        end(new SettlementPolicy.Ending.RolledBack(failure));
    }

    /** After afterDelivery: ends what no transaction ended. */
    synchronized void finish() {
        end(transacted ? new SettlementPolicy.Ending.OutcomeLost(failure)
                : new SettlementPolicy.Ending.Returned(failure, message().outcome()));
    }

    /** The container did not let the MDB run. */
    synchronized void refused() {
        end(new SettlementPolicy.Ending.Refused());
    }

    /** Warren's own failure (or the container's) outside any rule: given back, if nothing else ended it. */
    synchronized void unexpected() {
        end(new SettlementPolicy.Ending.Unexpected());
    }

    private void end(SettlementPolicy.Ending ending) {
        if (ended) {
            return;
        }
        ended = true;
        if (!isBatch()) {
            holdBack = settler.settle(messages.get(0), attempt, ending, reply);
            return;
        }
        SettlementPolicy.Action action = settler.decideBatch(ending);
        if (action instanceof SettlementPolicy.Action.SingleOut) {
            singledOut = true;
            return;
        }
        for (ReceivedMessage message : messages) {
            holdBack |= settler.carryOut(message, action);
        }
    }

    /**
     * @return whether a batch failed as a whole: none of its messages is settled, each is to be
     *     delivered again alone; read after {@link #finish()}
     */
    synchronized boolean singledOut() {
        return singledOut;
    }

    /** @return whether the consumer should hold back before its next delivery (see {@link Settler#carryOut}) */
    synchronized boolean holdsBack() {
        return holdBack;
    }
}
