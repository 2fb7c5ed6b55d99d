package io.warren.rar.metrics;

/**
 * What one activation (one MDB consuming its queues) has done since it started, read over JMX as
 * {@code io.warren:type=Activation,name=<MDB class>,queue=<queue>[+<queue>...]}. Counts are of
 * messages; times are in milliseconds. docs/monitoring.md describes every attribute.
 */
public interface ActivationMXBean {

    /** @return the MDB's class name, or the container's activation name when it gives no class */
    String getMessageDrivenBean();

    /** @return the queues the MDB consumes, comma-separated */
    String getQueues();

    /** @return an identity of the class loader of the MDB's class, to tell apart two applications with one class name */
    int getEndpointClassLoaderId();

    long getDeliveries();

    long getRedeliveries();

    long getAcks();

    long getRequeues();

    long getRejects();

    long getDeadLetters();

    long getDecodeFailures();

    long getContainerRefusals();

    int getConsumersConfigured();

    int getConsumersConnected();

    boolean isConnected();

    long getReconnects();

    /** @return the broker node connected to, {@code host:port}, or empty while not connected */
    String getNode();

    /** @return why the last attempt to connect, declare or consume failed, or empty once consuming */
    String getLastFailure();

    int getDeliveriesInFlight();

    long getOnMessageCount();

    double getOnMessageTotalMillis();

    double getOnMessageMaxMillis();

    /** @return bytes of message bodies the consumers hold now: handed over by the client, their delivery not yet run */
    long getHeldBytes();

    /** @return the most bytes of bodies held at once since the activation started */
    long getHeldBytesPeak();

    /** @return how many times a consumer narrowed its window because the bodies held were over {@code maxHeldBytes} */
    long getThrottles();
}
