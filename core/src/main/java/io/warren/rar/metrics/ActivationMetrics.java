package io.warren.rar.metrics;

import com.rabbitmq.client.Connection;
import io.warren.Message;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The counters of one activation, told by one-line calls where things happen (the consumer, the
 * endpoint, the settler, the activation), and read over JMX. Each activation has its own: nothing
 * here is shared between activations or deployments of the adapter.
 */
public final class ActivationMetrics implements ActivationMXBean {

    private final String messageDrivenBean;
    private final List<String> queues;
    private final int endpointClassLoaderId;
    private final int consumersConfigured;
    private final IntSupplier consumersConnected;
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder redeliveries = new LongAdder();
    private final LongAdder acks = new LongAdder();
    private final LongAdder requeues = new LongAdder();
    private final LongAdder rejects = new LongAdder();
    private final LongAdder deadLetters = new LongAdder();
    private final LongAdder decodeFailures = new LongAdder();
    private final LongAdder containerRefusals = new LongAdder();
    private final LongAdder connects = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong heldBytes = new AtomicLong();
    private final AtomicLong heldBytesPeak = new AtomicLong();
    private final LongAdder throttles = new LongAdder();
    private final Timer onMessage = new Timer();
    private volatile Connection connection;
    private volatile String lastFailure = "";

    /**
     * @param endpointClass the MDB's class, or null when the container does not say
     * @param consumersConnected how many consumers run now
     */
    public ActivationMetrics(String messageDrivenBean, Class<?> endpointClass, List<String> queues,
                             int consumersConfigured, IntSupplier consumersConnected) {
        this.messageDrivenBean = messageDrivenBean;
        this.endpointClassLoaderId = endpointClass == null ? 0 : System.identityHashCode(endpointClass.getClassLoader());
        this.queues = List.copyOf(queues);
        this.consumersConfigured = consumersConfigured;
        this.consumersConnected = consumersConnected;
    }

    /** @return the key properties of this activation's MBean name, in order */
    public List<String[]> nameKeys() {
        return List.of(new String[] {"type", "Activation"}, new String[] {"name", messageDrivenBean},
                new String[] {"queue", String.join("+", queues)});
    }

    /** A message came from the broker. */
    public void delivered(boolean redelivered) {
        deliveries.increment();
        if (redelivered) {
            redeliveries.increment();
        }
    }

    /** Warren acked, requeued or rejected a message (acks go out coalesced, within milliseconds). */
    public void settled(Message.Outcome outcome) {
        switch (outcome) {
            case ACKED -> acks.increment();
            case REQUEUED -> requeues.increment();
            case REJECTED -> rejects.increment();
            default -> {
                // PENDING is no settlement
            }
        }
    }

    /** The broker confirmed a dead letter's copy into a queue. */
    public void deadLettered() {
        deadLetters.increment();
    }

    /** A body could not be decoded, or its content type is not accepted. */
    public void decodeFailed() {
        decodeFailures.increment();
    }

    /** The container turned a delivery away without running the MDB. */
    public void refused() {
        containerRefusals.increment();
    }

    /** The activation has a new broker connection; every one after the first is a reconnect. */
    public void connected(Connection opened) {
        connects.increment();
        connection = opened;
    }

    /**
     * An attempt to connect, declare and start the consumers ended.
     *
     * @param failure why it failed, or null when it succeeded
     */
    public void attempted(Exception failure) {
        lastFailure = failure == null ? ""
                : failure.getMessage() == null ? failure.getClass().getName() : failure.getMessage();
    }

    /** Bodies of this many bytes were handed to a consumer (positive) or let go after their delivery (negative). */
    public void held(long bytes) {
        long now = heldBytes.addAndGet(bytes);
        heldBytesPeak.accumulateAndGet(now, Math::max);
    }

    /** A consumer narrowed its window because the bodies held were over {@code maxHeldBytes}. */
    public void throttled() {
        throttles.increment();
    }

    /** @return the start of the MDB's onMessage, for {@link #onMessageEnded} */
    public long onMessageStarted() {
        inFlight.incrementAndGet();
        return System.nanoTime();
    }

    public void onMessageEnded(long startedNanos) {
        onMessage.record(System.nanoTime() - startedNanos);
        inFlight.decrementAndGet();
    }

    @Override
    public String getMessageDrivenBean() {
        return messageDrivenBean;
    }

    @Override
    public String getQueues() {
        return String.join(",", queues);
    }

    @Override
    public int getEndpointClassLoaderId() {
        return endpointClassLoaderId;
    }

    @Override
    public long getDeliveries() {
        return deliveries.sum();
    }

    @Override
    public long getRedeliveries() {
        return redeliveries.sum();
    }

    @Override
    public long getAcks() {
        return acks.sum();
    }

    @Override
    public long getRequeues() {
        return requeues.sum();
    }

    @Override
    public long getRejects() {
        return rejects.sum();
    }

    @Override
    public long getDeadLetters() {
        return deadLetters.sum();
    }

    @Override
    public long getDecodeFailures() {
        return decodeFailures.sum();
    }

    @Override
    public long getContainerRefusals() {
        return containerRefusals.sum();
    }

    @Override
    public int getConsumersConfigured() {
        return consumersConfigured;
    }

    @Override
    public int getConsumersConnected() {
        return consumersConnected.getAsInt();
    }

    @Override
    public boolean isConnected() {
        Connection current = connection;
        return current != null && current.isOpen();
    }

    @Override
    public long getReconnects() {
        return Math.max(0, connects.sum() - 1);
    }

    @Override
    public String getNode() {
        Connection current = connection;
        return current != null && current.isOpen() ? Nodes.of(current) : "";
    }

    @Override
    public String getLastFailure() {
        return lastFailure;
    }

    @Override
    public int getDeliveriesInFlight() {
        return inFlight.get();
    }

    @Override
    public long getOnMessageCount() {
        return onMessage.count();
    }

    @Override
    public double getOnMessageTotalMillis() {
        return onMessage.totalMillis();
    }

    @Override
    public double getOnMessageMaxMillis() {
        return onMessage.maxMillis();
    }

    @Override
    public long getHeldBytes() {
        return heldBytes.get();
    }

    @Override
    public long getHeldBytesPeak() {
        return heldBytesPeak.get();
    }

    @Override
    public long getThrottles() {
        return throttles.sum();
    }
}
