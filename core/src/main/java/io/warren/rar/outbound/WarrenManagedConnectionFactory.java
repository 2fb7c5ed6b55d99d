package io.warren.rar.outbound;

import io.warren.rar.WarrenResourceAdapter;
import io.warren.rar.config.AddressRotation;
import io.warren.rar.config.BrokerProperties;
import io.warren.rar.config.ConnectionSettings;
import io.warren.rar.config.FlowControl;
import io.warren.rar.metrics.FactoryMetrics;
import io.warren.rar.metrics.MBeans;
import io.warren.rar.serialization.Serializers;
import io.warren.rar.tracing.Tracing;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.ResourceAllocationException;
import jakarta.resource.spi.ValidatingManagedConnectionFactory;

import javax.management.ObjectName;
import javax.security.auth.Subject;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The outbound connection definition: makes managed connections, each owning one channel on an
 * AMQP connection shared per factory and credentials. Its broker properties override the resource
 * adapter's.
 */
@ConnectionDefinition(
        connectionFactory = io.warren.ConnectionFactory.class,
        connectionFactoryImpl = WarrenConnectionFactory.class,
        connection = io.warren.Connection.class,
        connectionImpl = ConnectionHandle.class)
public class WarrenManagedConnectionFactory extends BrokerProperties
        implements ManagedConnectionFactory, ResourceAdapterAssociation, ValidatingManagedConnectionFactory {

    private static final long serialVersionUID = 1L;

    private transient WarrenResourceAdapter resourceAdapter;
    /** Finds the container's credential in a subject on every checkout, without copying it each time. */
    private final transient Credentials.Resolver signOns = new Credentials.Resolver(this);
    private transient PrintWriter logWriter;
    private transient ConnectionSettings settings;
    /** Volatile: monitoring reads it without the lock a connection attempt may hold. */
    private transient volatile SharedConnections connections;
    private transient FactoryMetrics metrics;
    private transient ObjectName mbean;
    /** Serializers and completion threads of its own, when used without a resource adapter. */
    private transient Serializers ownSerializers;
    private transient Completions ownCompletions;
    private transient Tracing ownTracing;
    private transient int live;
    private transient ProducerDeclarations producerDeclarations;
    /** Volatile: {@link #close()} and monitoring take it without waiting for a request that is connecting. */
    private transient volatile ReplyConsumers replies;

    @Override
    public Object createConnectionFactory(ConnectionManager manager) {
        return new WarrenConnectionFactory(this, manager);
    }

    @Override
    public Object createConnectionFactory() {
        return new WarrenConnectionFactory(this, new DirectConnectionManager());
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        Credentials credentials = signOns.from(subject);
        awaitUnblocked(credentials);
        synchronized (this) {
            try {
                WarrenManagedConnection managed = new WarrenManagedConnection(this, credentials,
                        connections().get(credentials), completions());
                replyConsumers().signedOn(credentials);
                if (live++ == 0) {
                    inUse();
                }
                return managed;
            } catch (IOException | TimeoutException | RuntimeException e) {
                throw new ResourceAllocationException("Cannot open a channel to " + describe() + ": "
                        + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
            }
        }
    }

    /**
     * A channel.open on a connection the broker blocks is not read until the alarm clears: wait for
     * the unblock as a publish does, outside the lock, so that one caller waiting holds up no other.
     */
    private void awaitUnblocked(Credentials credentials) throws ResourceException {
        FlowControl flowControl;
        try {
            flowControl = connections().get(credentials).flowControl();
        } catch (IOException | TimeoutException | RuntimeException e) {
            return; // the connection attempt under the lock reports it
        }
        String refusal = flowControl.awaitUnblocked(connectionSettings().publishBlockedTimeout());
        if (refusal != null) {
            throw new ResourceAllocationException("Cannot open a channel to " + describe() + ": " + refusal
                    + " (publishBlockedTimeoutMillis)");
        }
    }

    /** The factory holds a broker connection: its MBean shows it, and the adapter closes it when it stops. */
    private void inUse() {
        if (mbean == null) {
            mbean = MBeans.register(metrics().nameKeys(), metrics());
        }
        if (resourceAdapter != null) {
            resourceAdapter.register(this);
        }
    }

    /**
     * A managed connection was destroyed. With the last one gone the broker connection goes too,
     * and the adapter forgets this factory: a factory an application defined (and its class
     * loader) must not outlive the application, which redeploys leave behind as pools they
     * emptied. The next managed connection connects and registers again.
     *
     * <p>Except when the pool emptied because the broker connection was lost: then the factory's
     * MBean stays, showing it disconnected (what monitoring and the health check must see), and
     * the adapter keeps the factory, to unregister it when it stops if nothing connects before.
     */
    synchronized void destroyed(WarrenManagedConnection managed) {
        if (live > 0 && --live == 0) {
            if (mbean != null && connections != null && connections.node() == null) {
                connections.closeAll();
                return;
            }
            close();
            if (resourceAdapter != null) {
                resourceAdapter.unregister(this);
            }
        }
    }

    private synchronized Completions completions() {
        if (resourceAdapter != null) {
            return resourceAdapter.completions();
        }
        if (ownCompletions == null) {
            ownCompletions = new Completions("warren-completions");
        }
        return ownCompletions;
    }

    @Override
    @SuppressWarnings("rawtypes") // the JCA signature
    public ManagedConnection matchManagedConnections(Set candidates, Subject subject, ConnectionRequestInfo info) {
        Credentials credentials = signOns.from(subject);
        for (Object candidate : candidates) {
            if (candidate instanceof WarrenManagedConnection managed && managed.credentials().equals(credentials)
                    && managed.isUsable()) {
                return managed;
            }
        }
        return null;
    }

    @Override
    @SuppressWarnings("rawtypes") // the JCA signature
    public Set<ManagedConnection> getInvalidConnections(Set candidates) {
        Set<ManagedConnection> invalid = new HashSet<>();
        for (Object candidate : candidates) {
            if (candidate instanceof WarrenManagedConnection managed && !managed.isUsable()) {
                invalid.add(managed);
            }
        }
        return invalid;
    }

    /** @return the settings of this factory over the resource adapter's, resolved once */
    public synchronized ConnectionSettings connectionSettings() {
        if (settings == null) {
            ConnectionSettings resolved = connectionSettings(resourceAdapter);
            if (!resolved.problems().isEmpty()) {
                throw new IllegalArgumentException("Invalid Warren connection factory properties: "
                        + String.join("; ", resolved.problems()));
            }
            settings = resolved;
        }
        return settings;
    }

    private synchronized SharedConnections connections() {
        if (connections == null) {
            // the adapter's rotation when there is one, so that its activations and factories spread together
            connections = new SharedConnections(connectionSettings(),
                    resourceAdapter != null ? resourceAdapter.addressRotation() : new AddressRotation(), metrics());
        }
        return connections;
    }

    /** @return the counters of this factory, kept for its life: they go on across the pool emptying and filling */
    synchronized FactoryMetrics metrics() {
        if (metrics == null) {
            metrics = new FactoryMetrics(connectionSettings().connectionName(), new MonitoredState());
        }
        return metrics;
    }

    /** What the factory's MBean shows besides its counters. */
    private final class MonitoredState implements FactoryMetrics.Source {
        @Override
        public boolean blocked() {
            SharedConnections current = connections;
            return current != null && current.blocked();
        }

        @Override
        public String node() {
            SharedConnections current = connections;
            return current == null ? null : current.node();
        }

        @Override
        public int managedConnections() {
            synchronized (WarrenManagedConnectionFactory.this) {
                return live;
            }
        }

        @Override
        public String checkBroker() {
            try {
                connections().reconnect();
                return null;
            } catch (IOException | TimeoutException | RuntimeException e) {
                return "cannot reach the broker at " + describe() + ": " + SharedConnections.describe(e);
            }
        }

        @Override
        public int requestsInFlight() {
            ReplyConsumers current = replies;
            return current == null ? 0 : current.inFlight();
        }
    }

    /** @return what this factory's producers declared on each broker connection */
    synchronized ProducerDeclarations producerDeclarations() {
        if (producerDeclarations == null) {
            producerDeclarations = new ProducerDeclarations();
        }
        return producerDeclarations;
    }

    private synchronized ReplyConsumers replyConsumers() {
        if (replies == null) {
            replies = new ReplyConsumers();
        }
        return replies;
    }

    /**
     * @return the consumer of replies to the requests that go out with these credentials, made on
     *     first use, on their broker connection. Once made, found without the factory's lock, which
     *     a connection attempt for a managed connection may hold for its whole timeout
     */
    ReplyConsumer replies(Credentials credentials) {
        ReplyConsumers current = replies;
        ReplyConsumer made = current == null ? null : current.get(credentials);
        return made != null ? made : repliesMade(credentials);
    }

    private synchronized ReplyConsumer repliesMade(Credentials credentials) {
        return replyConsumers().of(credentials, signOn -> {
            ConnectionSettings resolved = connectionSettings();
            // two consumers on one named queue would take each other's replies: a sign-on's requests get their own
            String replyQueue = resolved.replyQueue() == null || signOn.user() == null ? resolved.replyQueue()
                    : resolved.replyQueue() + "." + signOn.user();
            // a factory that only asks may never take a managed connection: its requests show all the same
            inUse();
            return new ReplyConsumer(() -> connections().get(signOn), replyQueue, resolved.publishBlockedTimeout(),
                    resolved.connectRetry(), completions(), metrics(),
                    describe() + (signOn.user() == null ? "" : " as user '" + signOn.user() + "'"));
        });
    }

    /**
     * @return the credentials a request goes out with where the container need not be asked: the
     *     factory's own, once every managed connection made so far signed on with them; null when a
     *     request must take a managed connection to learn them
     */
    Credentials knownSignOn() {
        ReplyConsumers current = replies;
        return current == null ? null : current.knownSignOn();
    }

    /** @return the adapter's tracing, or one of its own when used without a resource adapter */
    synchronized Tracing tracing() {
        if (resourceAdapter != null) {
            return resourceAdapter.tracing();
        }
        if (ownTracing == null) {
            ownTracing = Tracing.create();
        }
        return ownTracing;
    }

    /** @return the serializers of the calling thread's application */
    synchronized Serializers serializers() {
        if (resourceAdapter != null) {
            return resourceAdapter.serializers();
        }
        if (ownSerializers == null) {
            ownSerializers = Serializers.load(Thread.currentThread().getContextClassLoader(), getClass().getClassLoader());
        }
        return ownSerializers;
    }

    /** @return where this factory connects to, safe to log */
    String describe() {
        try {
            ConnectionSettings resolved = connectionSettings();
            return resolved.addresses() + " vhost '" + resolved.virtualHost() + "'";
        } catch (IllegalArgumentException e) {
            return "(misconfigured broker: " + e.getMessage() + ")";
        }
    }

    /** Closes the shared AMQP connections; the resource adapter calls this when it stops. */
    public synchronized void close() {
        ReplyConsumers closing = replies;
        replies = null;
        if (closing != null) {
            // before the connections: its waiting requests fail saying the factory closed
            closing.close();
        }
        MBeans.unregister(mbean);
        mbean = null;
        if (connections != null) {
            connections.closeAll();
            connections = null;
        }
        if (ownCompletions != null) {
            ownCompletions.close();
            ownCompletions = null;
        }
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter adapter) throws ResourceException {
        if (!(adapter instanceof WarrenResourceAdapter warren)) {
            throw new InvalidPropertyException("Warren's connection factory needs Warren's resource adapter, not " + adapter);
        }
        this.resourceAdapter = warren;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WarrenManagedConnectionFactory that && sameBrokerProperties(that);
    }

    @Override
    public int hashCode() {
        return brokerPropertiesHash();
    }

    @Override
    public String toString() {
        return "WarrenManagedConnectionFactory" + brokerPropertiesText();
    }
}
