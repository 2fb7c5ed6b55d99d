package io.warren.container;

import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a server's transaction manager does for MDB deliveries, small, and its
 * {@link TransactionSynchronizationRegistry} as the bootstrap context hands it to the adapter. A
 * transaction is bound to the thread that begins it; it commits its XA resources in the order they
 * were enlisted, in one phase when there is one and in two (prepare all, then commit) when there
 * are more, as Narayana does; interposed synchronizations hear the outcome after every resource.
 * {@link TestTransaction#rollBack()} may be called from another thread while the delivery still
 * runs, as a transaction reaper does when the transaction times out.
 */
public final class TestTransactions implements TransactionSynchronizationRegistry {

    private final ThreadLocal<TestTransaction> current = new ThreadLocal<>();
    /** Commits that needed a prepare (and, in a real server, a log write): more than one resource. */
    public final AtomicInteger twoPhaseCommits = new AtomicInteger();
    public final AtomicInteger onePhaseCommits = new AtomicInteger();
    /** A registry that throws on registration, as one might for a transaction in a state it does not accept. */
    public volatile boolean refusesRegistration;

    /** Begins a transaction on the calling thread. */
    public TestTransaction begin() {
        if (current.get() != null) {
            throw new IllegalStateException("a transaction is already active on this thread");
        }
        TestTransaction transaction = new TestTransaction();
        current.set(transaction);
        return transaction;
    }

    /** @return the calling thread's transaction, or null */
    public TestTransaction current() {
        return current.get();
    }

    /** Commits, or rolls back when marked rollback-only, and ends the calling thread's transaction. */
    public void complete(TestTransaction transaction) {
        try {
            transaction.complete();
        } finally {
            current.remove();
        }
    }

    /** Ends the calling thread's transaction without completing it: no resource or synchronization hears of it. */
    public void abandon(TestTransaction transaction) {
        if (current.get() == transaction) {
            current.remove();
        }
    }

    @Override
    public Object getTransactionKey() {
        return current.get();
    }

    @Override
    public void putResource(Object key, Object value) {
        active().resources.put(key, value);
    }

    @Override
    public Object getResource(Object key) {
        return active().resources.get(key);
    }

    @Override
    public void registerInterposedSynchronization(Synchronization synchronization) {
        TestTransaction transaction = active();
        synchronized (transaction) {
            if (refusesRegistration || transaction.status != Status.STATUS_ACTIVE) {
                throw new IllegalStateException("the transaction is not active: status " + transaction.status);
            }
            transaction.synchronizations.add(synchronization);
        }
    }

    @Override
    public int getTransactionStatus() {
        TestTransaction transaction = current.get();
        return transaction == null ? Status.STATUS_NO_TRANSACTION : transaction.status();
    }

    @Override
    public void setRollbackOnly() {
        active().setRollbackOnly();
    }

    @Override
    public boolean getRollbackOnly() {
        return active().status() == Status.STATUS_MARKED_ROLLBACK;
    }

    private TestTransaction active() {
        TestTransaction transaction = current.get();
        if (transaction == null) {
            throw new IllegalStateException("no transaction on this thread");
        }
        return transaction;
    }

    /** One transaction: its resources, synchronizations and status, guarded by itself. */
    public final class TestTransaction {
        private final List<XAResource> enlisted = new ArrayList<>();
        private final List<Xid> xids = new ArrayList<>();
        /** Branches already ended: XA ends a branch once, before its prepare, commit or rollback. */
        private final Set<Xid> ended = new HashSet<>();
        private final List<Synchronization> synchronizations = new ArrayList<>();
        private final Map<Object, Object> resources = new HashMap<>();
        private final byte[] id = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        private int status = Status.STATUS_ACTIVE;

        public synchronized int status() {
            return status;
        }

        /** Makes the resource a branch of this transaction, as a server does for a database or an adapter. */
        public synchronized void enlist(XAResource resource) {
            if (status != Status.STATUS_ACTIVE && status != Status.STATUS_MARKED_ROLLBACK) {
                throw new IllegalStateException("cannot enlist in a transaction with status " + status);
            }
            Xid xid = new TestXid(id, enlisted.size() + 1);
            try {
                resource.start(xid, XAResource.TMNOFLAGS);
            } catch (XAException e) {
                throw new IllegalStateException(e);
            }
            enlisted.add(resource);
            xids.add(xid);
        }

        public synchronized void setRollbackOnly() {
            if (status == Status.STATUS_ACTIVE) {
                status = Status.STATUS_MARKED_ROLLBACK;
            }
        }

        /**
         * Rolls back now, on the calling thread, as the reaper does when the transaction times out.
         *
         * @return whether it was still to be completed
         */
        public synchronized boolean rollBack() {
            if (status != Status.STATUS_ACTIVE && status != Status.STATUS_MARKED_ROLLBACK) {
                return false;
            }
            rollBackResources();
            afterCompletion(Status.STATUS_ROLLEDBACK);
            return true;
        }

        private synchronized void complete() {
            if (status == Status.STATUS_ROLLEDBACK) {
                return; // the reaper was first
            }
            if (status == Status.STATUS_ACTIVE) {
                new ArrayList<>(synchronizations).forEach(Synchronization::beforeCompletion);
            }
            if (status == Status.STATUS_MARKED_ROLLBACK) {
                rollBackResources();
                afterCompletion(Status.STATUS_ROLLEDBACK);
                return;
            }
            try {
                for (int i = 0; i < enlisted.size(); i++) {
                    enlisted.get(i).end(xids.get(i), XAResource.TMSUCCESS);
                    ended.add(xids.get(i));
                }
                if (enlisted.size() == 1) {
                    onePhaseCommits.incrementAndGet();
                    enlisted.get(0).commit(xids.get(0), true);
                } else if (enlisted.size() > 1) {
                    for (int i = 0; i < enlisted.size(); i++) {
                        enlisted.get(i).prepare(xids.get(i));
                    }
                    twoPhaseCommits.incrementAndGet();
                    for (int i = 0; i < enlisted.size(); i++) {
                        enlisted.get(i).commit(xids.get(i), false);
                    }
                }
            } catch (XAException e) {
                // a failed prepare (or one-phase commit): every branch rolls back
                rollBackResources();
                afterCompletion(Status.STATUS_ROLLEDBACK);
                return;
            }
            afterCompletion(Status.STATUS_COMMITTED);
        }

        private void rollBackResources() {
            status = Status.STATUS_ROLLING_BACK;
            for (int i = 0; i < enlisted.size(); i++) {
                try {
                    // as a transaction manager: a branch is ended once, and rolled back even if its end failed
                    if (ended.add(xids.get(i))) {
                        enlisted.get(i).end(xids.get(i), XAResource.TMFAIL);
                    }
                } catch (XAException e) {
                    // the resource may have forgotten the branch; its rollback says so in turn
                }
                try {
                    enlisted.get(i).rollback(xids.get(i));
                } catch (XAException e) {
                    // a branch that cannot roll back is the resource's problem, as in a server: the others still do
                }
            }
        }

        private void afterCompletion(int outcome) {
            status = outcome;
            for (Synchronization synchronization : synchronizations) {
                synchronization.afterCompletion(outcome);
            }
        }
    }

    private static final class TestXid implements Xid {
        private final byte[] global;
        private final byte[] branch;

        TestXid(byte[] global, int branch) {
            this.global = global;
            this.branch = new byte[] {(byte) branch};
        }

        @Override
        public int getFormatId() {
            return 4711;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return global;
        }

        @Override
        public byte[] getBranchQualifier() {
            return branch;
        }
    }
}
