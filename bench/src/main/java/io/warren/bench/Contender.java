package io.warren.bench;

/**
 * One way of using RabbitMQ from Java, driven through the same scenarios on the same broker. A
 * contender that does not take part in a scenario returns {@code null}.
 */
interface Contender extends AutoCloseable {

    String name();

    /**
     * Publishes {@code size}-byte transient messages to the queue (default exchange) from
     * {@code threads} threads for about {@code seconds}.
     *
     * @param confirms whether every message must be confirmed by the broker (counted when confirmed)
     * @return messages per second
     */
    Double publish(String queue, int size, int threads, boolean confirms, double seconds) throws Exception;

    /**
     * Consumes the {@code count} messages waiting in the queue with {@code consumers} consumers at
     * {@code prefetch}, acking each as the contender does (see the report).
     *
     * @return messages per second, from the first delivery to the last
     */
    Double consume(String queue, int size, int count, int consumers, int prefetch) throws Exception;

    /**
     * Publishes at {@code rate} messages per second from one thread, each carrying its send time,
     * to one consumer at {@code prefetch}, for {@code seconds}.
     *
     * @return p50, p99 and p99.9 of publish-to-delivery latency in microseconds (p99.9 may be NaN)
     */
    double[] latency(String queue, int size, int rate, double seconds, int prefetch) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
