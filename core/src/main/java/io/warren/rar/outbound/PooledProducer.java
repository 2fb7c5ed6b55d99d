package io.warren.rar.outbound;

import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.PublishException;
import io.warren.WarrenException;
import io.warren.rar.serialization.Serializers;

import java.util.concurrent.CompletableFuture;

/**
 * A producer that borrows a pooled connection for each publish, so that it is thread-safe and
 * joins whatever transaction the calling thread is in.
 */
final class PooledProducer implements Producer {

    private final WarrenConnectionFactory factory;
    private final Settings settings;
    /**
     * Those of the application that made this producer, held for as long as it holds the producer,
     * so that the adapter's cache, which holds them only weakly, keeps them meanwhile.
     */
    private final Serializers serializers;
    /** Null when the settings have no retry policy. */
    private final RetryingPublish retrying;

    PooledProducer(WarrenConnectionFactory factory, Settings settings, Serializers serializers,
                   ProducerDeclarations declarations) {
        this.factory = factory;
        this.settings = settings;
        this.serializers = serializers;
        this.retrying = settings.retryPolicy() == null ? null : new RetryingPublish(factory, declarations);
    }

    @Override
    public void publish(Object payload) {
        publish(OutgoingMessage.of(payload).build());
    }

    @Override
    public void publish(Object payload, String routingKey) {
        publish(OutgoingMessage.of(payload).routingKey(routingKey).build());
    }

    @Override
    public void publish(OutgoingMessage message) {
        if (retrying != null) {
            retrying.publish(settings, message,
                    (connection, identified) -> connection.publisher().publish(settings, identified, serializers));
            return;
        }
        try (ConnectionHandle connection = factory.handle()) {
            connection.publisher().publish(settings, message, serializers);
        }
    }

    @Override
    public CompletableFuture<Void> publishConfirmed(Object payload) {
        return publishConfirmed(payload, null);
    }

    @Override
    public CompletableFuture<Void> publishConfirmed(Object payload, String routingKey) {
        OutgoingMessage message;
        try {
            message = OutgoingMessage.of(payload).routingKey(routingKey).build();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new WarrenException("Cannot publish " + payload + ": "
                    + e.getMessage(), e));
        }
        return publishConfirmed(message);
    }

    /**
     * The connection goes back to the pool at once: the channel's pending confirms outlive it.
     * Never throws: whatever goes wrong fails the future, as the caller handles the future only.
     */
    @Override
    public CompletableFuture<Void> publishConfirmed(OutgoingMessage message) {
        if (message == null) {
            return CompletableFuture.failedFuture(new WarrenException("publishConfirmed needs a message, not null"));
        }
        try (ConnectionHandle connection = factory.handle()) {
            return connection.publisher().publishConfirmed(settings, message, serializers);
        } catch (WarrenException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new PublishException("Could not publish to exchange '"
                    + settings.exchange() + "': " + e, e));
        }
    }

    @Override
    public Settings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "Producer" + settings;
    }
}
