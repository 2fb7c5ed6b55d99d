package io.warren.rar.outbound;

import io.warren.rar.config.BrokerConnector;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;

import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container-pooled unit: one AMQP channel, the handles the application holds on it, and the
 * events that tell the container when a handle closes (back to the pool) or the channel broke
 * (discard it). Supports local transactions, not XA: AMQP 0-9-1 has no two-phase commit. What the
 * handles do on the channel is its {@code Publisher}'s and {@code ChannelOperations}', which report
 * a broken channel back here to become the container's event.
 */
public final class WarrenManagedConnection implements ManagedConnection {

    private static final Logger LOG = Logger.getLogger(WarrenManagedConnection.class.getName());

    private final WarrenManagedConnectionFactory factory;
    private final Credentials credentials;
    private final PooledChannel channel;
    private final Publisher publisher;
    private final ChannelOperations operations;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<ConnectionHandle> handles = new CopyOnWriteArraySet<>();
    private final AtomicBoolean broken = new AtomicBoolean();
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private final ChannelTransaction transaction;
    private PrintWriter logWriter;

    WarrenManagedConnection(WarrenManagedConnectionFactory factory, Credentials credentials,
                            BrokerConnector.Opened connection, Completions completions) throws IOException {
        this.factory = factory;
        this.credentials = credentials;
        this.channel = new PooledChannel(connection.connection(), completions, factory.metrics(), cause -> {
            if (!cause.isHardError()) {
                // a channel error (a refused declaration, say): the channel is reopened when next used
                LOG.log(Level.FINE, "Broker closed a pooled channel: {0}", cause.getMessage());
                return;
            }
            failed(cause);
        });
        ChannelFailures failures = new ChannelFailures(channel, this::failed,
                factory.connectionSettings().channelRpcTimeoutMillis());
        FlowGate flowGate = new FlowGate(connection.flowControl(), factory.connectionSettings().publishBlockedTimeout());
        this.publisher = new Publisher(channel, flowGate, failures, factory.producerDeclarations(), factory::serializers,
                factory.tracing());
        this.operations = new ChannelOperations(channel, failures, factory::serializers);
        this.transaction = new ChannelTransaction(channel, flowGate, this::failed);
    }

    /** @return how the handles on this managed connection publish */
    Publisher publisher() {
        return publisher;
    }

    /** @return how the handles on this managed connection declare and fetch */
    ChannelOperations operations() {
        return operations;
    }

    /** @return whether the caller's transaction is on this managed connection's channel */
    boolean inTransaction() {
        return channel.inTransaction();
    }

    Credentials credentials() {
        return credentials;
    }

    boolean isUsable() {
        return !broken.get() && channel.isUsable();
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        if (!isUsable()) {
            throw new ResourceException("This broker channel is broken; the container should discard it");
        }
        ConnectionHandle handle = new ConnectionHandle(this);
        handles.add(handle);
        return handle;
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        if (!(connection instanceof ConnectionHandle handle)) {
            throw new ResourceException("Not a Warren connection handle: " + connection);
        }
        WarrenManagedConnection previous = handle.reassign(this);
        if (previous != null) {
            previous.handles.remove(handle);
        }
        handles.add(handle);
    }

    @Override
    public void cleanup() throws ResourceException {
        handles.forEach(ConnectionHandle::invalidate);
        handles.clear();
        try {
            channel.requeueUnsettled();
        } catch (IOException | RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void destroy() {
        handles.forEach(ConnectionHandle::invalidate);
        handles.clear();
        channel.close();
        if (destroyed.compareAndSet(false, true)) {
            factory.destroyed(this);
        }
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() throws ResourceException {
        throw new NotSupportedException("Warren supports local transactions only: AMQP 0-9-1 has no two-phase "
                + "commit. Configure the connection factory with LocalTransaction support");
    }

    @Override
    public LocalTransaction getLocalTransaction() {
        return transaction;
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new ManagedConnectionMetaData() {
            @Override
            public String getEISProductName() {
                return "RabbitMQ";
            }

            @Override
            public String getEISProductVersion() {
                return channel.serverVersion();
            }

            @Override
            public int getMaxConnections() {
                return 0;
            }

            @Override
            public String getUserName() {
                return credentials.user() != null ? credentials.user() : factory.connectionSettings().user();
            }
        };
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    void handleClosed(ConnectionHandle handle) {
        handles.remove(handle);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        listeners.forEach(listener -> listener.connectionClosed(event));
    }

    /** Tells the container to discard this managed connection: its channel or connection broke. */
    void failed(Exception cause) {
        if (!broken.compareAndSet(false, true)) {
            return;
        }
        LOG.log(Level.FINE, "Discarding a pooled broker channel: {0}", cause.getMessage());
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_ERROR_OCCURRED, cause);
        listeners.forEach(listener -> listener.connectionErrorOccurred(event));
    }
}
