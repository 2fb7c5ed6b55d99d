package io.warren;

import java.util.Optional;

/**
 * A handle on a pooled broker channel, taken from {@link ConnectionFactory#getConnection()} and
 * closed with try-with-resources, which gives the channel back to the container's pool. Not
 * thread-safe: use it on one thread, then close it. Inside a JTA transaction its publishes and
 * acks take effect when the transaction commits, and not at all if it rolls back.
 *
 * <pre>{@code
 * try (Connection connection = factory.getConnection()) {
 *     connection.declare(Queue.builder("video").bind(Exchange.direct("media"), "video").build());
 *     connection.fetch("video").ifPresent(message -> { handle(message); message.ack(); });
 * }
 * }</pre>
 */
public interface Connection extends AutoCloseable {

    /**
     * Declares the exchange, and the exchanges it is bound to with its bindings
     * ({@link Exchange#bindings()}); idempotent. Nothing is declared for the default exchange.
     *
     * @param exchange the exchange to declare
     * @throws DeclarationException naming the exchange or binding the broker refused
     */
    void declare(Exchange exchange);

    /**
     * Removes a binding of an exchange to a source exchange, as kombu's
     * {@code Exchange.unbind_from}; removing one that does not exist, or from an exchange that
     * does not exist, does nothing (RabbitMQ's unbind is idempotent). Both exchanges stay.
     *
     * @param destination the exchange that was bound
     * @param binding the source exchange with the key or headers it was bound with
     * @throws DeclarationException naming both exchanges when the broker refuses, e.g. for want of permission
     */
    void unbind(Exchange destination, Binding binding);

    /**
     * Declares the queue, the exchanges of its bindings, and its bindings; idempotent.
     *
     * @param queue the queue to declare
     * @return the queue as declared, named by the broker where it was server-named
     * @throws DeclarationException naming the argument that differs from the broker's queue
     */
    Queue declare(Queue queue);

    /**
     * Checks that a queue exists without declaring it.
     *
     * @param queue the queue's name
     * @throws DeclarationException naming the queue when it does not exist
     */
    void checkExists(String queue);

    /**
     * Deletes the exchange, whatever is bound to it.
     *
     * @param exchange the exchange to delete
     */
    void delete(Exchange exchange);

    /**
     * Deletes the queue and the messages in it.
     *
     * @param queue the queue's name
     */
    void deleteQueue(String queue);

    /**
     * Removes every message ready in the queue.
     *
     * @param queue the queue's name
     * @return how many messages were purged from the queue
     */
    long purge(String queue);

    /**
     * Publishes a message to the exchange, with no confirm and not mandatory.
     *
     * @param exchange the exchange's name; empty for the default exchange
     * @param message the message, with its routing key
     */
    void publish(String exchange, OutgoingMessage message);

    /**
     * Publishes a message as the settings say: to their exchange, with their routing key unless
     * the message has one, waiting for the confirm when they ask for confirms, after declaring what
     * they {@link ProducerSettings#declaredExchanges() declare} where this broker connection has
     * not yet. Tries once, on this connection's channel: a retry policy is a {@link Producer}'s.
     *
     * @param settings the exchange, routing key, confirms and mandatory flag to publish with
     * @param message the message
     * @throws PublishException when the broker nacks it or its confirm does not come in time
     * @throws UnroutableException when it is mandatory and no queue receives it
     */
    void publish(ProducerSettings settings, OutgoingMessage message);

    /**
     * Takes one message from the queue (basic.get), to be settled with {@link Message#ack()},
     * {@link Message#reject()} or {@link Message#requeue()} before this connection closes; a
     * message left unsettled at close is requeued.
     *
     * @param queue the queue's name
     * @return the message, or empty when the queue is empty
     */
    Optional<Message> fetch(String queue);

    /** Gives the channel back to the pool and requeues any fetched message left unsettled. */
    @Override
    void close();
}
