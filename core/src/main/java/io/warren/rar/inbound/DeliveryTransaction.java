package io.warren.rar.inbound;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The fallback where the container offers no {@code TransactionSynchronizationRegistry} (a
 * container-free harness such as warren-test): given to the container with each endpoint, so that
 * a transacted delivery is settled by the MDB's transaction: commit acks the message, rollback
 * gives it back (or dead-letters it). AMQP has no prepare, so prepare only votes yes.
 *
 * <p>As a resource of the transaction it costs a database in the same transaction a two-phase
 * commit (prepare, and the transaction manager's log write); and a transaction manager commits
 * the resources in the order they were enlisted, this one first (beforeDelivery), so the ack goes
 * out before the database commits: the database's prepared branch is then completed by the
 * transaction manager's recovery after a crash. Where a registry is offered,
 * {@link DeliverySynchronization} is used instead. See docs/transactions.md.
 */
final class DeliveryTransaction implements XAResource {

    /** What the transaction's outcome settles. */
    interface Outcome {
        void committed();

        void rolledBack();
    }

    private volatile Outcome current;

    /** Binds the next transaction to this delivery's outcome. */
    void bind(Outcome outcome) {
        current = outcome;
    }

    private Outcome take() {
        Outcome outcome = current;
        current = null;
        return outcome;
    }

    @Override
    public void start(Xid xid, int flags) {
    }

    @Override
    public void end(Xid xid, int flags) {
    }

    @Override
    public int prepare(Xid xid) {
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) {
        Outcome outcome = take();
        if (outcome != null) {
            outcome.committed();
        }
    }

    @Override
    public void rollback(Xid xid) {
        Outcome outcome = take();
        if (outcome != null) {
            outcome.rolledBack();
        }
    }

    @Override
    public void forget(Xid xid) {
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return false;
    }
}
