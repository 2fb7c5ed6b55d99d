package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.Binding;
import io.warren.Exchange;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.ProducerSettings;
import io.warren.Queue;
import io.warren.WarrenException;

import java.util.Optional;

/** What the application holds: a thin handle on a managed connection, which the container may move. */
final class ConnectionHandle implements Connection {

    private volatile WarrenManagedConnection managed;
    private volatile boolean closed;

    ConnectionHandle(WarrenManagedConnection managed) {
        this.managed = managed;
    }

    /** @return the managed connection it was on before */
    WarrenManagedConnection reassign(WarrenManagedConnection to) {
        WarrenManagedConnection before = managed;
        managed = to;
        return before;
    }

    void invalidate() {
        closed = true;
    }

    private WarrenManagedConnection managed() {
        if (closed) {
            throw new WarrenException("This Warren connection is closed; get a new one from the ConnectionFactory");
        }
        return managed;
    }

    @Override
    public void declare(Exchange exchange) {
        managed().operations().declare(exchange);
    }

    @Override
    public Queue declare(Queue queue) {
        return managed().operations().declare(queue);
    }

    @Override
    public void checkExists(String queue) {
        managed().operations().checkExists(queue);
    }

    @Override
    public void unbind(Exchange destination, Binding binding) {
        managed().operations().unbind(destination, binding);
    }

    @Override
    public void delete(Exchange exchange) {
        managed().operations().delete(exchange);
    }

    @Override
    public void deleteQueue(String queue) {
        managed().operations().deleteQueue(queue);
    }

    @Override
    public long purge(String queue) {
        return managed().operations().purge(queue);
    }

    @Override
    public void publish(String exchange, OutgoingMessage message) {
        publish(Producer.to(exchange).build(), message);
    }

    @Override
    public void publish(ProducerSettings settings, OutgoingMessage message) {
        managed().publisher().publish(settings, message);
    }

    /**
     * For a producer, which publishes with the serializers of the application that made it, and
     * confirmed publishes, which are not on {@link Connection}.
     */
    Publisher publisher() {
        return managed().publisher();
    }

    /** @return whether this handle's publishes join the caller's transaction, which decides their outcome */
    boolean inTransaction() {
        return managed().inTransaction();
    }

    /** @return the credentials the container signed this handle's managed connection on with */
    Credentials credentials() {
        return managed().credentials();
    }

    /** @return the queue's ready messages as the broker counts them */
    long messageCount(String queue) {
        return managed().operations().messageCount(queue);
    }

    @Override
    public Optional<Message> fetch(String queue) {
        return managed().operations().fetch(queue);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        managed.handleClosed(this);
    }

    @Override
    public String toString() {
        return "Warren connection" + (closed ? " (closed)" : "");
    }
}
