package io.warren.test;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * The server's connection pool, small and unbounded: a closed handle gives its managed connection
 * back (cleaned up) for the next caller, an error event destroys it. No JTA transactions: a
 * publish outside an MDB takes effect at once, as in a bean method with no transaction.
 */
final class KitConnectionManager implements ConnectionManager, ConnectionEventListener {

    private static final long serialVersionUID = 1L;

    private final transient Deque<ManagedConnection> idle = new ArrayDeque<>();
    private final transient Set<ManagedConnection> all = new HashSet<>();

    @Override
    public Object allocateConnection(ManagedConnectionFactory factory, ConnectionRequestInfo info)
            throws ResourceException {
        ManagedConnection managed;
        synchronized (this) {
            managed = idle.pollFirst();
        }
        if (managed == null || factory.matchManagedConnections(Set.of(managed), null, info) == null) {
            if (managed != null) {
                destroy(managed);
            }
            managed = factory.createManagedConnection(null, info);
            managed.addConnectionEventListener(this);
            synchronized (this) {
                all.add(managed);
            }
        }
        return managed.getConnection(null, info);
    }

    @Override
    public void connectionClosed(ConnectionEvent event) {
        ManagedConnection managed = (ManagedConnection) event.getSource();
        try {
            managed.cleanup();
        } catch (ResourceException e) {
            destroy(managed);
            return;
        }
        synchronized (this) {
            if (all.contains(managed)) {
                idle.addFirst(managed);
            }
        }
    }

    @Override
    public void connectionErrorOccurred(ConnectionEvent event) {
        destroy((ManagedConnection) event.getSource());
    }

    private void destroy(ManagedConnection managed) {
        synchronized (this) {
            idle.remove(managed);
            if (!all.remove(managed)) {
                return;
            }
        }
        try {
            managed.destroy();
        } catch (ResourceException ignored) {
            // gone from the pool either way
        }
    }

    /** Destroys every managed connection, as the server does when it undeploys the pool. */
    void shutdown() {
        Set<ManagedConnection> every;
        synchronized (this) {
            every = Set.copyOf(all);
        }
        every.forEach(this::destroy);
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
