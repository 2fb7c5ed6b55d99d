package io.warren.bench;

/**
 * One way of using RabbitMQ from Java, driven through the same scenarios on the same broker. A
 * contender that does not take part in a scenario returns {@code null}.
 */
interface Contender extends AutoCloseable {

    String name();

    /**
     * One publishing run: {@code size}-byte transient messages to the queue (default exchange)
     * from {@code threads} threads, each until {@code seconds} have passed or it has sent
     * {@code maxPerThread} (so that large messages do not fill the broker's memory).
     *
     * @param confirms whether every message must also be confirmed (each thread returns once its are)
     * @param arrivals waits until the queue holds what was sent: the end of the run
     */
    record Publishing(String queue, int size, int threads, boolean confirms, double seconds, long maxPerThread,
                      Meter.Arrivals arrivals) {
    }

    /**
     * Publishes as {@code run} says. Counted as the broker received them: the clock runs from the
     * first publish to the moment the queue holds every message sent ({@link Meter.Arrivals}), not
     * to the last call that returned (a returned {@code basicPublish} is only bytes in a socket
     * buffer, and loopback buffers hold tens of thousands of small messages).
     *
     * @return messages per second
     */
    Double publish(Publishing run) throws Exception;

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

    /** Whether {@link #consume} takes the messages the bench put in the RabbitMQ queue (a JMS reference does not). */
    default boolean consumesTheBrokersQueue() {
        return true;
    }

    @Override
    default void close() throws Exception {
    }
}
