package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.ConnectionFactory;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.WarrenException;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A producer that borrows a pooled connection for each publish, so that it is thread-safe and
 * joins whatever transaction the calling thread is in.
 */
final class PooledProducer implements Producer {

    private final ConnectionFactory factory;
    private final Settings settings;

    PooledProducer(ConnectionFactory factory, Settings settings) {
        this.factory = factory;
        this.settings = settings;
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
        try (Connection connection = factory.getConnection()) {
            connection.publish(settings, message);
        }
    }

    @Override
    public CompletableFuture<Void> publishConfirmed(Object payload) {
        return publishConfirmed(OutgoingMessage.of(payload).build());
    }

    @Override
    public CompletableFuture<Void> publishConfirmed(Object payload, String routingKey) {
        return publishConfirmed(OutgoingMessage.of(payload).routingKey(routingKey).build());
    }

    /** The connection goes back to the pool at once: the channel's pending confirms outlive it. */
    @Override
    public CompletableFuture<Void> publishConfirmed(OutgoingMessage message) {
        Objects.requireNonNull(message, "message");
        try (Connection connection = factory.getConnection()) {
            return ((ConnectionHandle) connection).publishConfirmed(settings, message);
        } catch (WarrenException e) {
            return CompletableFuture.failedFuture(e);
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
