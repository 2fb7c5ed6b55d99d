package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.ConnectionFactory;
import io.warren.Producer;
import io.warren.ProducerSettings;
import io.warren.Queue;
import io.warren.SimpleQueue;
import io.warren.WarrenException;
import io.warren.rar.WarrenResourceAdapter;
import io.warren.rar.serialization.Serializers;
import io.warren.rar.tracing.Tracing;
import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.transaction.TransactionSynchronizationRegistry;

import javax.naming.Reference;
import java.io.Serializable;

/** The connection factory bound in JNDI: asks the container's pool for a managed connection per handle. */
public final class WarrenConnectionFactory implements ConnectionFactory, Serializable, Referenceable {

    private static final long serialVersionUID = 1L;

    private final WarrenManagedConnectionFactory managedFactory;
    private final ConnectionManager connectionManager;
    private Reference reference;

    WarrenConnectionFactory(WarrenManagedConnectionFactory managedFactory, ConnectionManager connectionManager) {
        this.managedFactory = managedFactory;
        this.connectionManager = connectionManager;
    }

    @Override
    public Connection getConnection() {
        return (Connection) allocate();
    }

    /**
     * A connection for a producer, which publishes through the handle's own {@link Publisher}: the
     * container hands back the handle the managed connection gave it.
     */
    ConnectionHandle handle() {
        Object connection = allocate();
        if (connection instanceof ConnectionHandle handle) {
            return handle;
        }
        throw new WarrenException("A producer of " + managedFactory.describe() + " got " + connection
                + " from the container, not the Warren connection handle its managed connection made");
    }

    /** @return whether the calling thread is in a JTA transaction, where the container's registry can tell */
    boolean callerInTransaction() {
        return Boolean.TRUE.equals(callerTransaction());
    }

    /**
     * @return whether the calling thread is in a JTA transaction, as the container's transaction
     *     registry says; null where the container offers none or it cannot tell (outside a component)
     */
    Boolean callerTransaction() {
        TransactionSynchronizationRegistry registry = managedFactory.getResourceAdapter() instanceof WarrenResourceAdapter adapter
                ? adapter.transactionRegistry() : null;
        if (registry == null) {
            return null;
        }
        try {
            return registry.getTransactionKey() != null;
        } catch (RuntimeException e) {
            return null; // a registry that cannot tell outside a component: no transaction to join either
        }
    }

    /** @return the factory's consumer of replies to requests that go out with these credentials, which publishes them */
    ReplyConsumer replies(Credentials credentials) {
        return managedFactory.replies(credentials);
    }

    /** @return how the adapter traces what this factory's producers send */
    Tracing tracing() {
        return managedFactory.tracing();
    }

    /** @return the credentials requests go out with where the container need not be asked, else null */
    Credentials knownSignOn() {
        return managedFactory.knownSignOn();
    }

    private Object allocate() {
        try {
            return connectionManager.allocateConnection(managedFactory, null);
        } catch (ResourceException e) {
            throw new WarrenException("No broker connection to be had from " + managedFactory.describe() + ": "
                    + reason(e), e);
        }
    }

    /** Servers wrap the adapter's own exception in theirs: name both, the adapter's saying why. */
    private static String reason(ResourceException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = String.valueOf(e.getMessage());
        return root == e || root.getMessage() == null || outer.contains(root.getMessage()) ? outer
                : outer + ": " + root.getMessage();
    }

    @Override
    public Producer producer(ProducerSettings settings) {
        Serializers serializers = managedFactory.serializers();
        serializers.get(settings.serializer());
        return new PooledProducer(this, settings, serializers, managedFactory.producerDeclarations());
    }

    @Override
    public SimpleQueue simpleQueue(Queue queue) {
        if (queue.name().isEmpty()) {
            throw new IllegalArgumentException("A SimpleQueue needs a named queue: a server-named one would be "
                    + "another queue on each channel; give the queue a name");
        }
        try (Connection connection = getConnection()) {
            connection.declare(queue);
        }
        return new PooledSimpleQueue(this, queue.name(), managedFactory.serializers());
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }

    @Override
    public String toString() {
        return "Warren ConnectionFactory for " + managedFactory.describe();
    }
}
