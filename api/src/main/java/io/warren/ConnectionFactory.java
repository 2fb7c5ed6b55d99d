package io.warren;

/**
 * What applications look up in JNDI (or have injected) to reach RabbitMQ: a factory of
 * {@link Connection} handles over channels the container pools, and of {@link Producer}s.
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
    Producer producer(Producer.Settings settings);

    /**
     * A producer with default settings.
     *
     * @param exchange the exchange's name; empty for the default exchange
     * @return a producer to that exchange with an empty routing key, JSON and no confirms
     */
    default Producer producer(String exchange) {
        return producer(Producer.to(exchange).build());
    }
}
