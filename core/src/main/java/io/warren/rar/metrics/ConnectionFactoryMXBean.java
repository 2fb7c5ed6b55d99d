package io.warren.rar.metrics;

/**
 * What one outbound connection factory has done since its first managed connection, read over JMX
 * as {@code io.warren:type=ConnectionFactory,name=<connectionName>}. Counts are of messages; times
 * are in milliseconds. docs/monitoring.md describes every attribute.
 */
public interface ConnectionFactoryMXBean {

    /** @return the factory's {@code connectionName} property, as the broker shows it */
    String getConnectionName();

    long getPublishes();

    long getPublishFailures();

    long getConfirms();

    long getNacks();

    long getReturns();

    long getConfirmTimeouts();

    long getConfirmLatencyCount();

    double getConfirmLatencyTotalMillis();

    double getConfirmLatencyMaxMillis();

    /** @return requests published ({@code Producer.request} and {@code requestAsync}) */
    long getRequests();

    /** @return requests whose reply arrived; as many as the reply latencies recorded */
    long getReplies();

    long getRequestTimeouts();

    /** @return mandatory requests the broker returned as unroutable */
    long getRequestReturns();

    /** @return requests that failed as their reply could no longer arrive (connection lost on direct reply-to) */
    long getRequestsFailed();

    /** @return replies that matched no waiting request (after the timeout, or twice), dropped */
    long getRepliesDropped();

    /** @return requests waiting for their replies now */
    int getRequestsInFlight();

    double getReplyLatencyTotalMillis();

    double getReplyLatencyMaxMillis();

    boolean isBlocked();

    int getChannelsOpen();

    int getConnectionsOpen();

    int getManagedConnections();

    /** @return whether the factory holds an open broker connection */
    boolean isConnected();

    /** @return the broker node of the open connection, {@code host:port}, or empty */
    String getNode();

    /**
     * Checks that the factory can reach the broker, connecting if its connection was lost (at most
     * once per {@code connectRetryMillis}, as publishers do).
     *
     * @return empty when it can; otherwise why not
     */
    String checkBroker();
}
