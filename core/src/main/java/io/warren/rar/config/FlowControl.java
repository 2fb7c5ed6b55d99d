package io.warren.rar.config;

import com.rabbitmq.client.BlockedListener;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether the broker blocks publishing on one connection, and why. Under a memory or disk alarm
 * the broker blocks a connection when it publishes: it keeps that message, stops reading the
 * connection (which stalls everything else on it too: acks, declarations, channel opens) and sends
 * {@code connection.blocked}. Publishers ask here, so as to wait a bounded time and fail with the
 * broker's reason rather than add to a connection nobody reads. Each change is logged once:
 * WARNING on block, INFO on unblock.
 */
public final class FlowControl implements BlockedListener {

    private static final Logger LOG = Logger.getLogger(FlowControl.class.getName());

    private final String connectionName;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition unblocked = lock.newCondition();
    /**
     * Written under the lock; volatile so that a publish on a connection that is not blocked, every
     * publish but a few, reads it without taking the lock that all of the connection's publishing
     * threads share.
     */
    private volatile String reason;
    private Instant since;

    FlowControl(String connectionName) {
        this.connectionName = connectionName;
    }

    @Override
    public void handleBlocked(String brokerReason) {
        lock.lock();
        try {
            if (reason != null) {
                return;
            }
            reason = brokerReason == null || brokerReason.isBlank() ? "no reason given" : brokerReason;
            since = Instant.now();
        } finally {
            lock.unlock();
        }
        LOG.log(Level.WARNING, "The broker blocks publishing on connection ''{0}'': {1}; publishes wait, then fail, "
                + "until it unblocks", new Object[] {connectionName, brokerReason});
    }

    @Override
    public void handleUnblocked() {
        Instant blockedSince;
        lock.lock();
        try {
            if (reason == null) {
                return;
            }
            blockedSince = since;
            reason = null;
            since = null;
            unblocked.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.log(Level.INFO, "The broker unblocked publishing on connection ''{0}'' (blocked since {1})",
                new Object[] {connectionName, blockedSince});
    }

    /** The connection closed: nobody should wait on it for an unblock that cannot come. */
    void closed() {
        lock.lock();
        try {
            reason = null;
            since = null;
            unblocked.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the broker blocks publishing on this connection now */
    public boolean blocked() {
        return reason != null;
    }

    /**
     * Waits while the connection is blocked, at most the timeout.
     *
     * @return null when publishing may go ahead; otherwise why it may not, naming the broker's
     *     reason and since when, for the caller's exception
     */
    public String awaitUnblocked(Duration timeout) {
        if (reason == null) {
            return null;
        }
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (reason != null) {
                if (left <= 0) {
                    return "the broker has blocked publishing on connection '" + connectionName + "' since " + since
                            + " (" + reason + ") and did not unblock within " + timeout;
                }
                left = unblocked.awaitNanos(left);
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while the broker blocked publishing on connection '" + connectionName + "' ("
                    + reason + ")";
        } finally {
            lock.unlock();
        }
    }
}
