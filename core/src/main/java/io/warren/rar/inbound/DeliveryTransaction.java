package io.warren.rar.inbound;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The fallback where the container offers no {@code TransactionSynchronizationRegistry} (a
 * container-free harness such as warren-test): given to the container with each endpoint, so that
 * a transacted delivery is settled by the MDB's transaction: commit acks the message, rollback
 * gives it back (or dead-letters it). AMQP has no prepare, so prepare only votes yes.
 *
 * <p>Each branch is known by its Xid: the delivery bound when the container starts a branch is the
 * one that branch's commit or rollback settles, whichever delivery runs by then (the reaper may roll
 * a branch back after the consumer moved on). A call naming an Xid this resource did not start is
 * refused with {@code XAER_NOTA} and settles nothing; calls out of the XA order (a commit before
 * end, a two-phase commit never prepared, a one-phase commit of a prepared branch) with
 * {@code XAER_PROTO}, leaving the branch to be completed properly. A branch ended with
 * {@code TMFAIL} rolls back at its prepare or commit ({@code XA_RBROLLBACK}). Once its delivery is
 * over ({@code bind(null)}, after afterDelivery), a branch the container never completed is
 * forgotten: Warren has given its message back already.
 *
 * <p>As a resource of the transaction it costs a database in the same transaction a two-phase
 * commit (prepare, and the transaction manager's log write); and a transaction manager commits
 * the resources in the order they were enlisted, this one first (beforeDelivery), so the ack goes
 * out before the database commits: the database's prepared branch is then completed by the
 * transaction manager's recovery after a crash. Where a registry is offered,
 * {@link DeliverySynchronization} is used instead. See docs/transactions.md.
 *
 * <p>Thread-safe: the consumer's Work starts and ends branches, a transaction timeout's thread may
 * roll one back meanwhile. An outcome is carried out after the lock is let go: settling waits for
 * the broker (a dead letter's confirm).
 */
final class DeliveryTransaction implements XAResource {

    /** What the transaction's outcome settles. */
    interface Outcome {
        void committed();

        void rolledBack();
    }

    private enum State { ACTIVE, SUSPENDED, ENDED, ROLLBACK_ONLY, PREPARED }

    /** A branch started here: the delivery it settles (null: none was bound) and where it is in the XA order. */
    private static final class Branch {
        final Outcome outcome;
        State state = State.ACTIVE;

        Branch(Outcome outcome) {
            this.outcome = outcome;
        }
    }

    /** An Xid by value: transaction managers hand equal Xids in different objects, not all with equals. */
    private record Key(int format, byte[] global, byte[] branch) {
        static Key of(Xid xid) {
            return new Key(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.format == format && Arrays.equals(key.global, global)
                    && Arrays.equals(key.branch, branch);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * format + Arrays.hashCode(global)) + Arrays.hashCode(branch);
        }
    }

    private Outcome bound;
    private final Map<Key, Branch> branches = new HashMap<>();

    /**
     * Binds the next branch started to this delivery's outcome.
     *
     * @param outcome the delivery about to begin, or null once it is over: a branch it left
     *     open is forgotten, its outcome can no longer reach that delivery
     */
    synchronized void bind(Outcome outcome) {
        if (outcome == null) {
            // one delivery at a time: whatever is open belongs to the one that just ended
            branches.clear();
        }
        bound = outcome;
    }

    @Override
    public synchronized void start(Xid xid, int flags) throws XAException {
        Key key = Key.of(xid);
        Branch branch = branches.get(key);
        if ((flags & (TMJOIN | TMRESUME)) != 0) {
            if (branch == null) {
                throw error(XAException.XAER_NOTA, "cannot join or resume a branch not started here", xid);
            }
            boolean resumes = (flags & TMRESUME) != 0;
            if (resumes ? branch.state != State.SUSPENDED : branch.state != State.ENDED) {
                throw error(XAException.XAER_PROTO, "cannot " + (resumes ? "resume" : "join") + " a branch that is "
                        + branch.state, xid);
            }
            branch.state = State.ACTIVE;
            return;
        }
        if (branch != null) {
            throw error(XAException.XAER_DUPID, "a branch of this Xid is under way", xid);
        }
        // a branch begun with no delivery bound settles nothing: there is nothing of Warren's in it
        branches.put(key, new Branch(bound));
    }

    @Override
    public synchronized void end(Xid xid, int flags) throws XAException {
        Branch branch = known(xid);
        if (branch.state != State.ACTIVE && branch.state != State.SUSPENDED) {
            throw error(XAException.XAER_PROTO, "the branch is " + branch.state + ", not associated", xid);
        }
        if ((flags & TMFAIL) != 0) {
            branch.state = State.ROLLBACK_ONLY;
        } else if ((flags & TMSUSPEND) != 0) {
            branch.state = State.SUSPENDED;
        } else {
            branch.state = State.ENDED;
        }
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        Branch branch;
        synchronized (this) {
            branch = known(xid);
            if (branch.state == State.ENDED) {
                branch.state = State.PREPARED;
                return XA_OK;
            }
            if (branch.state != State.ROLLBACK_ONLY) {
                throw error(XAException.XAER_PROTO, "prepare of a branch that is " + branch.state, xid);
            }
            branches.remove(Key.of(xid));
        }
        rolledBack(branch);
        throw error(XAException.XA_RBROLLBACK, "the branch was ended with TMFAIL: rolled back", xid);
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        Branch branch;
        synchronized (this) {
            branch = known(xid);
            State expected = onePhase ? State.ENDED : State.PREPARED;
            if (branch.state != expected && !(onePhase && branch.state == State.ROLLBACK_ONLY)) {
                throw error(XAException.XAER_PROTO, (onePhase ? "one" : "two") + "-phase commit of a branch that is "
                        + branch.state, xid);
            }
            branches.remove(Key.of(xid));
        }
        if (branch.state == State.ROLLBACK_ONLY) {
            rolledBack(branch);
            throw error(XAException.XA_RBROLLBACK, "the branch was ended with TMFAIL: rolled back", xid);
        }
        if (branch.outcome != null) {
            branch.outcome.committed();
        }
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        Branch branch;
        synchronized (this) {
            // in any state: a rollback can always be honoured, and a delivery given back is never lost
            branch = known(xid);
            branches.remove(Key.of(xid));
        }
        rolledBack(branch);
    }

    private static void rolledBack(Branch branch) {
        if (branch.outcome != null) {
            branch.outcome.rolledBack();
        }
    }

    private Branch known(Xid xid) throws XAException {
        Branch branch = branches.get(Key.of(xid));
        if (branch == null) {
            throw error(XAException.XAER_NOTA, "no branch of this Xid was started here, or it is over", xid);
        }
        return branch;
    }

    private static XAException error(int code, String message, Xid xid) {
        XAException e = new XAException("Warren's delivery resource: " + message + " (Xid format " + xid.getFormatId()
                + ")");
        e.errorCode = code;
        return e;
    }

    /** No branch completes heuristically here, so none is ever to be forgotten. */
    @Override
    public void forget(Xid xid) throws XAException {
        throw error(XAException.XAER_NOTA, "no heuristically completed branch", xid);
    }

    /** Nothing to recover after a crash: an ack that was not sent leaves the message to the broker, which redelivers it. */
    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    /**
     * Only itself: each consumer's resource settles its own deliveries, and a transaction manager
     * that took another consumer's for the same resource manager would join that one's branch here
     * and never tell it the outcome.
     */
    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }
}
