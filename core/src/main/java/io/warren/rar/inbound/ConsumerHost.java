package io.warren.rar.inbound;

/**
 * What a consumer asks of the activation that runs it; the activation implements it, and a
 * consumer reaches nothing else of it. Called on the client's threads and the consumers' Works.
 */
interface ConsumerHost {

    /**
     * The broker closed the consumer's channel or cancelled it, or a stream is to be read again:
     * the activation retires it and starts a replacement, on its own Work.
     */
    void consumerLost(QueueConsumer consumer, String reason);

    /** Waits a little (at most a second), or less if the activation stops meanwhile. */
    void holdBack();

    /** Runs the task after the wait on the container's timer; at once when the activation has stopped. */
    void later(long delayMillis, Runnable task);
}
