package io.warren.rar.outbound;

import com.rabbitmq.client.ChannelContinuationTimeoutException;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.EncodeException;
import io.warren.Exchange;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.PublishException;
import io.warren.Queue;
import io.warren.WarrenException;
import io.warren.rar.config.BrokerConnector;
import io.warren.rar.config.FlowControl;
import io.warren.rar.serialization.Serializers;
import io.warren.rar.tracing.Tracing;
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
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The container-pooled unit: one AMQP channel, the handles the application holds on it, and the
 * events that tell the container when a handle closes (back to the pool) or the channel broke
 * (discard it). Supports local transactions, not XA: AMQP 0-9-1 has no two-phase commit.
 */
public final class WarrenManagedConnection implements ManagedConnection {

    private static final Logger LOG = Logger.getLogger(WarrenManagedConnection.class.getName());

    private final WarrenManagedConnectionFactory factory;
    private final Credentials credentials;
    private final PooledChannel channel;
    private final FlowControl flowControl;
    private final Duration publishBlockedTimeout;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<ConnectionHandle> handles = new java.util.concurrent.CopyOnWriteArraySet<>();
    private final AtomicBoolean broken = new AtomicBoolean();
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private final ChannelTransaction transaction;
    private PrintWriter logWriter;

    WarrenManagedConnection(WarrenManagedConnectionFactory factory, Credentials credentials,
                            BrokerConnector.Opened connection, Completions completions) throws IOException {
        this.factory = factory;
        this.credentials = credentials;
        this.flowControl = connection.flowControl();
        this.publishBlockedTimeout = factory.connectionSettings().publishBlockedTimeout();
        this.channel = new PooledChannel(connection.connection(), completions, factory.metrics(), cause -> {
            if (!cause.isHardError()) {
                // a channel error (a refused declaration, say): the channel is reopened when next used
                LOG.log(Level.FINE, "Broker closed a pooled channel: {0}", cause.getMessage());
                return;
            }
            failed(cause);
        });
        this.transaction = new ChannelTransaction(this, channel);
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

    // Operations the handles delegate to; each turns a broken connection into a container event.

    void declare(Exchange exchange) {
        run(() -> channel.declarer().declare(exchange), () -> "declare " + exchange);
    }

    Queue declare(Queue queue) {
        return call(() -> channel.declarer().declare(queue), () -> "declare " + queue);
    }

    void checkExists(String queue) {
        run(() -> channel.declarer().checkExists(queue), () -> "check queue '" + queue + "'");
    }

    void delete(Exchange exchange) {
        run(() -> channel.declarer().delete(exchange), () -> "delete " + exchange);
    }

    void deleteQueue(String queue) {
        run(() -> channel.declarer().deleteQueue(queue), () -> "delete queue '" + queue + "'");
    }

    long purge(String queue) {
        return call(() -> channel.declarer().purge(queue), () -> "purge queue '" + queue + "'");
    }

    /** @return the serializers of the calling application */
    Serializers serializers() {
        return factory.serializers();
    }

    /**
     * Runs once per message: what a failure would say is put together only when one happens, and the
     * channel is called directly rather than through {@link #run}, so that a publish that succeeds
     * allocates no description and no closure.
     */
    void publish(Producer.Settings settings, OutgoingMessage message, Serializers serializers) {
        String exchange = settings.exchange();
        String routingKey = message.routingKey() != null ? message.routingKey() : settings.routingKey();
        OutgoingProperties.Wire wire = OutgoingProperties.wire(encode(message, settings, serializers), settings, message);
        awaitUnblocked(exchange, routingKey);
        try (Tracing.Span span = Tracing.publish(exchange, routingKey)) {
            channel.publish(exchange, routingKey, settings.mandatory(), settings.confirmTimeout(),
                    span.inject(wire.properties()), wire.body());
        } catch (IOException | RuntimeException e) {
            throw failure(e, () -> publishing(exchange, routingKey));
        }
    }

    private static String publishing(String exchange, String routingKey) {
        return "publish to exchange '" + exchange + "' with routing key '" + routingKey + "'";
    }

    /** Failures to publish at all are failed futures too, as the caller handles the future only. */
    CompletableFuture<Void> publishConfirmed(Producer.Settings settings, OutgoingMessage message,
                                             Serializers serializers) {
        String routingKey = message.routingKey() != null ? message.routingKey() : settings.routingKey();
        Duration timeout = settings.confirms() ? settings.confirmTimeout() : Producer.DEFAULT_CONFIRM_TIMEOUT;
        try {
            OutgoingProperties.Wire wire = OutgoingProperties.wire(encode(message, settings, serializers), settings,
                    message);
            awaitUnblocked(settings.exchange(), routingKey);
            try (Tracing.Span span = Tracing.publish(settings.exchange(), routingKey)) {
                return channel.publishConfirmed(settings.exchange(), routingKey, settings.mandatory(), timeout,
                        span.inject(wire.properties()), wire.body());
            }
        } catch (IOException | ShutdownSignalException e) {
            if (!channel.isUsable()) {
                failed(e);
            }
            return CompletableFuture.failedFuture(new PublishException("Could not publish to exchange '"
                    + settings.exchange() + "' with routing key '" + routingKey + "': " + reason(e), e));
        } catch (WarrenException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new PublishException("Could not publish to exchange '"
                    + settings.exchange() + "' with routing key '" + routingKey + "': " + e, e));
        }
    }

    /**
     * Publishing on a connection the broker blocks would get it blocked for reading too, stalling
     * this factory's declarations, fetches and acks with it: wait a bounded time instead, then fail.
     */
    private void awaitUnblocked(String exchange, String routingKey) {
        String refusal = blockedRefusal();
        if (refusal != null) {
            throw new PublishException("Could not " + publishing(exchange, routingKey) + ": " + refusal
                    + "; nothing was sent, publish it again later", null);
        }
    }

    /**
     * @return null once the broker reads this connection, waiting at most publishBlockedTimeoutMillis;
     *     otherwise why it does not
     */
    String blockedRefusal() {
        String refusal = flowControl.awaitUnblocked(publishBlockedTimeout);
        return refusal == null ? null : refusal + " (publishBlockedTimeoutMillis)";
    }

    /** @return whether the broker blocks this connection now, and so reads nothing sent on it */
    boolean blocked() {
        return flowControl.blocked();
    }

    private static Serializers.Encoded encode(OutgoingMessage message, Producer.Settings settings,
                                              Serializers serializers) {
        String serializer = message.serializer() != null ? message.serializer() : settings.serializer();
        try {
            return serializers.encode(message.payload(), message.serializer(), settings.serializer(),
                    message.contentType(), message.contentEncoding());
        } catch (WarrenException e) {
            throw e;
        } catch (RuntimeException e) {
            String payloadType = message.payload() == null ? "null" : message.payload().getClass().getName();
            String contentType = serializers.get(serializer).contentType();
            throw new EncodeException("Cannot encode a payload of type " + payloadType + " as " + contentType
                    + " (serializer '" + serializer + "'): " + firstLine(e), payloadType, contentType, e);
        }
    }

    private static String firstLine(Throwable e) {
        Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(cause.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    Optional<Message> fetch(String queue) {
        Serializers serializers = serializers();
        return call(() -> channel.fetch(queue, serializers).map(Message.class::cast),
                () -> "fetch from queue '" + queue + "'");
    }

    private interface Operation<T> {
        T perform() throws IOException;
    }

    private interface VoidOperation {
        void perform() throws IOException;
    }

    private void run(VoidOperation operation, Supplier<String> what) {
        call(() -> {
            operation.perform();
            return null;
        }, what);
    }

    /** @param what what the operation does, for the exception: asked only when it fails */
    private <T> T call(Operation<T> operation, Supplier<String> what) {
        try {
            return operation.perform();
        } catch (IOException | RuntimeException e) {
            throw failure(e, what);
        }
    }

    /**
     * @return what to throw for an operation that failed: a broker that did not answer or a broken
     *     channel as Warren's exception, any other as it was
     */
    private RuntimeException failure(Exception e, Supplier<String> what) {
        if (e instanceof ChannelContinuationTimeoutException timeout) {
            return unanswered(what.get(), timeout);
        }
        if (e instanceof WarrenException warren) {
            return warren.getCause() instanceof ChannelContinuationTimeoutException timeout
                    ? unanswered(what.get(), timeout) : warren;
        }
        if (e instanceof IOException || e instanceof ShutdownSignalException) {
            if (!channel.isUsable()) {
                failed(e);
            }
            return new WarrenException("Could not " + what.get() + ": " + reason(e), e);
        }
        return (RuntimeException) e;
    }

    /** A channel whose broker did not answer in time goes, and this managed connection with it. */
    private WarrenException unanswered(String what, ChannelContinuationTimeoutException timeout) {
        channel.abandon();
        failed(timeout);
        return new WarrenException("Could not " + what + ": the broker did not answer within "
                + factory.connectionSettings().channelRpcTimeoutMillis() + " ms (channelRpcTimeoutMillis)", timeout);
    }

    private static String reason(Exception e) {
        Throwable cause = e.getCause() instanceof ShutdownSignalException ? e.getCause() : e;
        return String.valueOf(cause.getMessage());
    }
}
