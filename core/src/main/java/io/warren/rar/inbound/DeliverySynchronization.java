package io.warren.rar.inbound;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Settles a transacted delivery once its transaction has completed: registered as an interposed
 * {@link Synchronization} through the container's {@code TransactionSynchronizationRegistry} on the
 * delivery thread, after beforeDelivery began the transaction. Committed: the message is acked;
 * any other outcome (rolled back, also by the transaction reaper on its own thread while the MDB
 * still runs, or unknown): it is given back or dead-lettered, so that a message is never acked for a
 * transaction that may not have happened.
 *
 * <p>Unlike {@link DeliveryTransaction}, it is no resource of the transaction: a database alone in the
 * MDB's transaction commits in one phase, with no log write, and the ack follows the commit of
 * every resource. See docs/transactions.md.
 */
final class DeliverySynchronization implements Synchronization {

    private final AtomicReference<DeliveryTransaction.Outcome> outcome;

    DeliverySynchronization(DeliveryTransaction.Outcome outcome) {
        this.outcome = new AtomicReference<>(outcome);
    }

    @Override
    public void beforeCompletion() {
        // nothing to flush: the ack must wait for the outcome
    }

    /** Called once by the transaction manager, on the thread that completed the transaction. */
    @Override
    public void afterCompletion(int status) {
        DeliveryTransaction.Outcome settles = outcome.getAndSet(null);
        if (settles == null) {
            return;
        }
        if (status == Status.STATUS_COMMITTED) {
            settles.committed();
        } else {
            settles.rolledBack();
        }
    }
}
