package io.warren.rar.inbound;

import io.warren.Message;
import io.warren.rar.messages.ReceivedMessage;
import io.warren.rar.messages.Settlement;

/**
 * One delivery under way, settled once: by its transaction's outcome when the container runs it
 * in one ({@link DeliverySynchronization} or {@link DeliveryTransaction}), or else when
 * afterDelivery has returned. The outcome may arrive on another thread while the MDB still runs
 * (the transaction reaper rolling back): the settling methods are synchronized. In
 * {@code ackMode=manual} it is also where the MDB's own ack, reject or requeue goes: inside a
 * transaction that is only a wish, applied when the transaction commits and forgotten when it
 * rolls back (then the message is requeued or dead-lettered like any failed delivery), so that a
 * message is never acked by a transaction that did not happen.
 */
final class InFlight implements DeliveryTransaction.Outcome, Settlement {

    private final Settler settler;
    private final boolean manual;
    private ReceivedMessage message;
    private int attempt;
    private boolean transacted;
    private Message.Outcome askedInTransaction;
    private Throwable failure;
    private boolean settled;
    private boolean refused;

    InFlight(Settler settler, boolean manual) {
        this.settler = settler;
        this.manual = manual;
    }

    void of(ReceivedMessage received, int deliveryAttempt) {
        this.message = received;
        this.attempt = deliveryAttempt;
    }

    /** The container runs this delivery in a transaction whose outcome reaches Warren. */
    synchronized void inTransaction() {
        transacted = true;
    }

    /** The MDB called ack(), reject() or requeue() (manual ack mode). */
    @Override
    public synchronized void settle(long deliveryTag, Message.Outcome outcome) {
        if (transacted) {
            askedInTransaction = outcome;
        } else {
            settler.settleForListener(deliveryTag, outcome);
        }
    }

    synchronized void failedWith(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
    }

    /**
     * A delivery that threw is not acked even though the container committed: WildFly commits
     * when it turns the delivery away before the MDB runs (while it stops the MDB), as does any
     * container for an application exception marked {@code rollback=false}.
     */
    @Override
    public synchronized void committed() {
        if (settled) {
            return; // too late: finish() gave the message back already
        }
        settled = true;
        if (failure != null) {
            fail(failure);
        } else if (!manual) {
            settler.succeeded(message);
        } else if (askedInTransaction == Message.Outcome.ACKED) {
            settler.succeeded(message);
        } else if (askedInTransaction != null) {
            settler.settle(message, askedInTransaction);
        } else {
            fail(notSettledByListener());
        }
    }

    @Override
    public synchronized void rolledBack() {
        if (settled) {
            return;
        }
        settled = true;
        fail(failure != null ? failure : new IllegalStateException("the MDB's transaction rolled back"));
    }

    /** After afterDelivery: settles what no transaction settled. */
    synchronized void finish() {
        if (settled) {
            return;
        }
        settled = true;
        if (transacted) {
            // afterDelivery returned and the transaction's outcome never reached Warren: Payara logs a
            // commit that failed and returns normally. It may not have committed, so nothing is acked
            fail(failure != null ? failure : new IllegalStateException("the container ended the delivery's "
                    + "transaction without its outcome reaching Warren; the message may not have been handled"));
            return;
        }
        if (manual && message.outcome() != Message.Outcome.PENDING) {
            if (message.outcome() == Message.Outcome.ACKED) {
                settler.forget(message); // the MDB's ack went out already
            }
            return;
        }
        if (failure == null && manual) {
            failure = notSettledByListener();
        }
        if (failure == null) {
            settler.succeeded(message);
        } else {
            fail(failure);
        }
    }

    private static IllegalStateException notSettledByListener() {
        return new IllegalStateException("ackMode=manual, but the MDB returned without calling ack(), reject() or requeue()");
    }

    /** The container did not let the MDB run: back to the queue, uncounted. */
    synchronized void refused() {
        settled = true;
        refused = true;
        settler.refused(message);
    }

    private void fail(Throwable cause) {
        refused |= settler.failed(message, cause, attempt);
    }

    /** @return whether the container turned this delivery away */
    synchronized boolean wasRefused() {
        return refused;
    }
}
