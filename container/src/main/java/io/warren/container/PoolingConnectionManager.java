package io.warren.container;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAllocationException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What an application server's pool does, small: at most {@code maxSize} managed connections,
 * callers wait for a free one up to a timeout, a closed handle returns its managed connection
 * (cleaned up) to the pool, an error event discards it, and a thread in a transaction shares one
 * managed connection whose local transaction the "container" begins, commits or rolls back.
 */
public final class PoolingConnectionManager implements ConnectionManager, ConnectionEventListener {

    private static final long serialVersionUID = 1L;

    private final int maxSize;
    private final Duration waitTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final Deque<ManagedConnection> idle = new ArrayDeque<>();
    private final Set<ManagedConnection> all = new HashSet<>();
    private final ThreadLocal<Transaction> transaction = new ThreadLocal<>();
    private int created;
    private int destroyed;

    public PoolingConnectionManager(int maxSize, Duration waitTimeout) {
        this.maxSize = maxSize;
        this.waitTimeout = waitTimeout;
    }

    /** A container-managed transaction on the calling thread. */
    private static final class Transaction {
        ManagedConnection enlisted;
    }

    @Override
    public Object allocateConnection(ManagedConnectionFactory factory, ConnectionRequestInfo info)
            throws ResourceException {
        Transaction current = transaction.get();
        if (current != null && current.enlisted != null) {
            return current.enlisted.getConnection(null, info);
        }
        ManagedConnection managed = take(factory, info);
        if (current != null) {
            try {
                managed.getLocalTransaction().begin();
            } catch (ResourceException e) {
                discard(managed);
                throw e;
            }
            current.enlisted = managed;
        }
        try {
            return managed.getConnection(null, info);
        } catch (ResourceException e) {
            discard(managed);
            throw e;
        }
    }

    private ManagedConnection take(ManagedConnectionFactory factory, ConnectionRequestInfo info)
            throws ResourceException {
        long deadline = System.nanoTime() + waitTimeout.toNanos();
        lock.lock();
        try {
            while (true) {
                if (!idle.isEmpty()) {
                    ManagedConnection matched = factory.matchManagedConnections(Set.of(idle.peekFirst()), null, info);
                    ManagedConnection candidate = idle.pollFirst();
                    if (matched != null) {
                        return matched;
                    }
                    destroy(candidate);
                    continue;
                }
                if (all.size() < maxSize) {
                    ManagedConnection managed = factory.createManagedConnection(null, info);
                    managed.addConnectionEventListener(this);
                    all.add(managed);
                    created++;
                    return managed;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ResourceAllocationException("Pool of " + maxSize + " exhausted after " + waitTimeout);
                }
                released.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResourceAllocationException("Interrupted waiting for a pooled connection");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void connectionClosed(ConnectionEvent event) {
        ManagedConnection managed = (ManagedConnection) event.getSource();
        Transaction current = transaction.get();
        if (current != null && current.enlisted == managed) {
            return; // stays with the transaction until it ends
        }
        release(managed);
    }

    private void release(ManagedConnection managed) {
        try {
            managed.cleanup();
        } catch (ResourceException e) {
            discard(managed);
            return;
        }
        lock.lock();
        try {
            if (all.contains(managed)) {
                idle.addFirst(managed);
                released.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void connectionErrorOccurred(ConnectionEvent event) {
        discard((ManagedConnection) event.getSource());
    }

    private void discard(ManagedConnection managed) {
        lock.lock();
        try {
            idle.remove(managed);
            destroy(managed);
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void destroy(ManagedConnection managed) {
        if (all.remove(managed)) {
            destroyed++;
            try {
                managed.destroy();
            } catch (ResourceException ignored) {
                // it is gone from the pool either way
            }
        }
    }

    /**
     * Runs the work in a container-managed transaction: committed when it returns, rolled back
     * when it throws or when {@code rollbackOnly} is set.
     */
    public void inTransaction(boolean rollbackOnly, Runnable work) throws ResourceException {
        Transaction current = new Transaction();
        transaction.set(current);
        boolean failed = true;
        try {
            work.run();
            failed = false;
        } finally {
            transaction.remove();
            if (current.enlisted != null) {
                LocalTransaction local = current.enlisted.getLocalTransaction();
                try {
                    if (failed || rollbackOnly) {
                        local.rollback();
                    } else {
                        local.commit();
                    }
                } finally {
                    release(current.enlisted);
                }
            }
        }
    }

    /** @return managed connections alive now, idle or in use */
    public int size() {
        lock.lock();
        try {
            return all.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return managed connections waiting in the pool */
    public int idleCount() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    public int createdCount() {
        return created;
    }

    public int destroyedCount() {
        return destroyed;
    }

    /** Destroys every managed connection, as a container does when it undeploys the pool. */
    public void shutdown() {
        lock.lock();
        try {
            for (ManagedConnection managed : Set.copyOf(all)) {
                destroy(managed);
            }
            idle.clear();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void localTransactionStarted(ConnectionEvent event) {
    }

    @Override
    public void localTransactionCommitted(ConnectionEvent event) {
    }

    @Override
    public void localTransactionRolledback(ConnectionEvent event) {
    }
}
