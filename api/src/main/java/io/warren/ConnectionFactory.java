package io.warren;

/**
 * What applications look up in JNDI (or have injected) to reach RabbitMQ: a factory of
 * {@link Connection} handles over channels the container pools, of {@link Producer}s, and of
 * {@link SimpleQueue}s.
 *
 * <pre>{@code
 * @Resource(lookup = "java:/warren/ConnectionFactory")
 * ConnectionFactory factory;
 * }</pre>
 */
public interface ConnectionFactory {

    /**
     * Borrows a pooled channel.
     *
     * @return a handle on a pooled channel; close it to give the channel back
     * @throws WarrenException when the broker cannot be reached or the pool is exhausted
     */
    Connection getConnection();

    /**
     * A producer with the given settings.
     *
     * @param settings the exchange, routing key, serializer, confirms and mandatory flag
     * @return a thread-safe producer that publishes as the settings say
     */
    Producer producer(ProducerSettings settings);

    /**
     * A producer with default settings.
     *
     * @param exchange the exchange's name; empty for the default exchange
     * @return a producer to that exchange with an empty routing key, JSON and no confirms
     */
    default Producer producer(String exchange) {
        return producer(Producer.to(exchange).build());
    }

    /**
     * kombu's {@code SimpleQueue} over the queue, which is declared (with its bindings) first.
     *
     * @param queue the named queue to put messages in and get them from
     * @return the simple queue; close it to requeue what was got and not settled
     * @throws DeclarationException when the broker has the queue with other arguments
     */
    SimpleQueue simpleQueue(Queue queue);

    /**
     * kombu's {@code SimpleQueue} over a durable queue of that name, declared first (as kombu
     * declares it).
     *
     * @param queue the queue's name
     * @return the simple queue; close it to requeue what was got and not settled
     */
    default SimpleQueue simpleQueue(String queue) {
        return simpleQueue(Queue.named(queue));
    }
}
