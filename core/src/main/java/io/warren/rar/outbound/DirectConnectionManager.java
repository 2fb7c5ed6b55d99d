package io.warren.rar.outbound;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;

/**
 * For use outside a container: no pool, no transactions; a managed connection per handle,
 * destroyed when the handle closes.
 */
final class DirectConnectionManager implements ConnectionManager {

    private static final long serialVersionUID = 1L;

    @Override
    public Object allocateConnection(ManagedConnectionFactory factory, ConnectionRequestInfo info)
            throws ResourceException {
        ManagedConnection managed = factory.createManagedConnection(null, info);
        managed.addConnectionEventListener(new ConnectionEventListener() {
            @Override
            public void connectionClosed(ConnectionEvent event) {
                destroy(event);
            }

            @Override
            public void connectionErrorOccurred(ConnectionEvent event) {
                destroy(event);
            }

            private void destroy(ConnectionEvent event) {
                try {
                    ((ManagedConnection) event.getSource()).destroy();
                } catch (ResourceException ignored) {
                    // nothing is pooled, so nothing is left behind
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
        });
        return managed.getConnection(null, info);
    }
}
