package io.warren.rar.metrics;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.AbstractMetricsCollector;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one outbound connection factory. Publishes, returns, failed publishes, channels
 * and connections are counted by the amqp-client itself, as the {@code MetricsCollector} of the
 * factory's broker connections. Confirms and nacks are not: the client (5.37) counts only the
 * broker's single acks and drops {@code multiple} ones, which the broker sends under load, so they
 * are counted where Warren matches each answer to its message ({@code PendingConfirms}), with the
 * latency from publish to answer. Requests and their replies are counted where Warren matches each
 * reply to its request ({@code PendingRequests}), with the latency from publish to reply; their
 * publishes count among {@link #getPublishes()} too, as the client sees them.
 */
public final class FactoryMetrics extends AbstractMetricsCollector implements ConnectionFactoryMXBean {

    /** The factory's state that is not counted but looked at when asked. */
    public interface Source {
        boolean blocked();

        /** @return the node of the open broker connection, or null */
        String node();

        int managedConnections();

        /** @return null when the broker can be reached, else why not */
        String checkBroker();

        /** @return how many requests wait for their replies now */
        int requestsInFlight();
    }

    private final String connectionName;
    private final Source source;
    private final LongAdder publishes = new LongAdder();
    private final LongAdder publishFailures = new LongAdder();
    private final LongAdder confirms = new LongAdder();
    private final LongAdder nacks = new LongAdder();
    private final LongAdder returns = new LongAdder();
    private final LongAdder confirmTimeouts = new LongAdder();
    private final Timer confirmLatency = new Timer();
    private final LongAdder requests = new LongAdder();
    private final LongAdder requestTimeouts = new LongAdder();
    private final LongAdder requestReturns = new LongAdder();
    private final LongAdder requestsFailed = new LongAdder();
    private final LongAdder repliesDropped = new LongAdder();
    private final Timer replyLatency = new Timer();
    private final AtomicInteger channels = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    public FactoryMetrics(String connectionName, Source source) {
        this.connectionName = connectionName;
        this.source = source;
    }

    /** @return the key properties of this factory's MBean name, in order */
    public List<String[]> nameKeys() {
        return List.of(new String[] {"type", "ConnectionFactory"}, new String[] {"name", connectionName});
    }

    /** The broker confirmed a message published this long ago. */
    public void confirmed(long latencyNanos) {
        confirms.increment();
        confirmLatency.record(latencyNanos);
    }

    /** The broker nacked a message. */
    public void nacked() {
        nacks.increment();
    }

    /** No confirm came within the producer's confirm timeout. */
    public void confirmTimedOut() {
        confirmTimeouts.increment();
    }

    /** A request is about to be published. */
    public void requestSent() {
        requests.increment();
    }

    /** The request counted by {@link #requestSent()} could not be published after all. */
    public void requestNotSent() {
        requests.decrement();
    }

    /** The reply to a request published this long ago arrived. */
    public void replied(long latencyNanos) {
        replyLatency.record(latencyNanos);
    }

    /** No reply came within a request's timeout. */
    public void requestTimedOut() {
        requestTimeouts.increment();
    }

    /** The broker returned a mandatory request that no queue received. */
    public void requestReturned() {
        requestReturns.increment();
    }

    /** A request's reply could no longer arrive (its reply consumer's connection was lost, the factory closed). */
    public void requestFailed() {
        requestsFailed.increment();
    }

    /** A reply matched no waiting request (it came after the timeout, or twice) and was dropped. */
    public void replyDropped() {
        repliesDropped.increment();
    }

    @Override
    protected void incrementConnectionCount(Connection connection) {
        connections.incrementAndGet();
    }

    @Override
    protected void decrementConnectionCount(Connection connection) {
        connections.decrementAndGet();
    }

    @Override
    protected void incrementChannelCount(Channel channel) {
        channels.incrementAndGet();
    }

    @Override
    protected void decrementChannelCount(Channel channel) {
        channels.decrementAndGet();
    }

    @Override
    protected void markPublishedMessage() {
        publishes.increment();
    }

    @Override
    protected void markMessagePublishFailed() {
        publishFailures.increment();
    }

    @Override
    protected void markPublishedMessageUnrouted() {
        returns.increment();
    }

    // the client's confirm counts miss multiple acks: counted by confirmed() and nacked() instead
    @Override
    protected void markMessagePublishAcknowledged() {
    }

    @Override
    protected void markMessagePublishNotAcknowledged() {
    }

    // outbound fetches (Connection.fetch) are not part of the factory's metrics
    @Override
    protected void markConsumedMessage() {
    }

    @Override
    protected void markAcknowledgedMessage() {
    }

    @Override
    protected void markRejectedMessage() {
    }

    @Override
    public String getConnectionName() {
        return connectionName;
    }

    @Override
    public long getPublishes() {
        return publishes.sum();
    }

    @Override
    public long getPublishFailures() {
        return publishFailures.sum();
    }

    @Override
    public long getConfirms() {
        return confirms.sum();
    }

    @Override
    public long getNacks() {
        return nacks.sum();
    }

    @Override
    public long getReturns() {
        return returns.sum();
    }

    @Override
    public long getConfirmTimeouts() {
        return confirmTimeouts.sum();
    }

    @Override
    public long getConfirmLatencyCount() {
        return confirmLatency.count();
    }

    @Override
    public double getConfirmLatencyTotalMillis() {
        return confirmLatency.totalMillis();
    }

    @Override
    public double getConfirmLatencyMaxMillis() {
        return confirmLatency.maxMillis();
    }

    @Override
    public long getRequests() {
        return requests.sum();
    }

    @Override
    public long getReplies() {
        return replyLatency.count();
    }

    @Override
    public long getRequestTimeouts() {
        return requestTimeouts.sum();
    }

    @Override
    public long getRequestReturns() {
        return requestReturns.sum();
    }

    @Override
    public long getRequestsFailed() {
        return requestsFailed.sum();
    }

    @Override
    public long getRepliesDropped() {
        return repliesDropped.sum();
    }

    @Override
    public int getRequestsInFlight() {
        return source.requestsInFlight();
    }

    @Override
    public double getReplyLatencyTotalMillis() {
        return replyLatency.totalMillis();
    }

    @Override
    public double getReplyLatencyMaxMillis() {
        return replyLatency.maxMillis();
    }

    @Override
    public boolean isBlocked() {
        return source.blocked();
    }

    @Override
    public int getChannelsOpen() {
        return channels.get();
    }

    @Override
    public int getConnectionsOpen() {
        return connections.get();
    }

    @Override
    public int getManagedConnections() {
        return source.managedConnections();
    }

    @Override
    public boolean isConnected() {
        return source.node() != null;
    }

    @Override
    public String getNode() {
        String node = source.node();
        return node == null ? "" : node;
    }

    @Override
    public String checkBroker() {
        String problem = source.checkBroker();
        return problem == null ? "" : problem;
    }
}
