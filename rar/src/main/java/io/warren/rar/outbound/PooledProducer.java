package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.ConnectionFactory;
import io.warren.OutgoingMessage;
import io.warren.Producer;

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
    public Settings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "Producer" + settings;
    }
}
