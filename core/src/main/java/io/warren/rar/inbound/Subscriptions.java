package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;

import io.warren.QueueType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One consumer's subscriptions on its channel: a consumer tag per queue, all consumed with one
 * window (the per-consumer prefetch of {@code basic.qos}), and the change of that window. RabbitMQ
 * applies a prefetch only to consumers started after it, and refuses a channel-wide one on quorum
 * queues, so a new window means consuming each queue again: the new window is set, then queue by
 * queue the tag is cancelled and the queue consumed again. What the broker sent before its
 * cancel-ok stays on the channel unacked, reaches the consumer before the cancel-ok does, and is
 * settled there like any delivery: nothing goes back to the queue, so nothing is delivered twice
 * and each queue's order holds. A stream is consumed again from the offset after the last one
 * received, so that it neither repeats nor skips.
 *
 * <p>A quorum queue is different: it gives back to the queue (counting a delivery, out of order)
 * what its leader had sent to a consumer and the channel had not yet passed on when the cancel
 * came. So a consumer of quorum queues changes its window only when nothing can be on its way:
 * while no settlement goes out (the broker gives no credit back), every current tag's window full
 * of deliveries received and not settled. It waits for that up to {@value #FILL_WAIT_MILLIS} ms
 * (the deliveries still on their way arrive), and otherwise tries again later; all its queues are
 * cancelled and consumed again together, so that the deliveries of the new tags are numbered after
 * every old one's.
 *
 * <p>Threading: {@link #consume} comes from the activation's Work, {@link #resize} from one
 * resize Work at a time, the cancels from the activation's Work or its stop, deliveries from the
 * client's thread. A cancel while a resize runs may miss the tag the resize is making; the resize
 * looks at {@code stopping} after each consume and cancels that tag itself.
 */
final class Subscriptions {

    private static final Logger LOG = Logger.getLogger(Subscriptions.class.getName());
    /** How long a resize waits for the client to hand over what a cancelled tag still had on its way. */
    private static final long HANDOVER_WAIT_MILLIS = 10_000;
    /** How long a consumer of quorum queues waits, with settlements held, for its windows to fill. */
    static final long FILL_WAIT_MILLIS = 50;

    /** Where the deliveries and the broker's cancels go; called on the client's thread. */
    interface Deliveries {
        void delivered(String queue, Envelope envelope, AMQP.BasicProperties properties, byte[] body);

        void cancelledByBroker(String queue);
    }

    private final Channel channel;
    private final InboundSettings settings;
    private final StreamPositions positions;
    private final Deliveries deliveries;
    private final AckCoalescer acks;
    private final boolean quorum;
    /** Guards the counts of deliveries below; told of each arrival. */
    private final Object arrivals = new Object();
    private long lastReceivedTag;
    /** The first delivery tag of the current consumer tags (quorum queues). */
    private long generationStart = 1;
    private long receivedInGeneration;
    /** Each queue's consumer tag now. */
    private final Map<String, String> tags = new ConcurrentHashMap<>();
    /** Each live consumer tag's consumer. */
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    /** The stream offset of the last delivery received from each stream. */
    private final Map<String, Long> received = new ConcurrentHashMap<>();
    private volatile int window;
    /** A change of window on quorum queues holds every settlement back (and may wait for the broker). */
    private volatile boolean holdingSettlements;

    Subscriptions(Channel channel, InboundSettings settings, StreamPositions positions, AckCoalescer acks,
                  Deliveries deliveries) {
        this.channel = channel;
        this.acks = acks;
        this.quorum = settings.queues().stream().anyMatch(queue -> queue.type() == QueueType.QUORUM);
        this.settings = settings;
        this.positions = positions;
        this.deliveries = deliveries;
    }

    /** Sets the window and consumes every queue; a stream from where the activation's last consumer settled. */
    void consume(int startWindow) throws IOException {
        window = startWindow;
        channel.basicQos(startWindow);
        for (var queue : settings.queues()) {
            String name = queue.name();
            tags.put(name, consume(name, positions.resumeAt(name)).tag);
        }
    }

    /** @return whether settlements are held back now, for a cancel whose answer is awaited */
    boolean holdingSettlements() {
        return holdingSettlements;
    }

    /** @return the window every queue is consumed with now */
    int window() {
        return window;
    }

    /**
     * Consumes each queue again with the new window, one after the other.
     *
     * @param stopping whether the consumer is stopping: no further queue is consumed, and a tag
     *     made meanwhile is cancelled
     * @return false when it is not the moment (quorum queues: a window did not fill): nothing changed
     */
    boolean resize(int to, BooleanSupplier stopping) throws IOException {
        if (quorum) {
            return resizeTogether(to, stopping);
        }
        channel.basicQos(to); // only for the consumers started from now on
        window = to;
        for (var queue : settings.queues()) {
            String name = queue.name();
            String old = tags.get(name);
            if (stopping.getAsBoolean() || old == null) {
                return true;
            }
            Subscription cancelling = subscriptions.get(old);
            channel.basicCancel(old);
            awaitHandover(cancelling);
            Long next = received.get(name);
            Subscription fresh = consume(name, next == null ? positions.resumeAt(name) : Long.valueOf(next + 1));
            tags.put(name, fresh.tag);
            subscriptions.remove(old);
            if (stopping.getAsBoolean()) {
                cancelQuietly(fresh.tag);
                return true;
            }
        }
        return true;
    }

    private boolean resizeTogether(int to, BooleanSupplier stopping) throws IOException {
        List<Subscription> cancelled;
        holdingSettlements = true;
        try {
            cancelled = acks.whileNothingSettles(() -> {
                if (stopping.getAsBoolean() || !awaitFullWindows()) {
                    return null;
                }
                List<Subscription> old = new ArrayList<>();
                for (String tag : tags.values()) {
                    old.add(subscriptions.remove(tag));
                    channel.basicCancel(tag);
                }
                return old;
            });
        } finally {
            holdingSettlements = false;
        }
        if (cancelled == null) {
            return false;
        }
        for (Subscription old : cancelled) {
            awaitHandover(old);
        }
        long first;
        synchronized (arrivals) {
            first = lastReceivedTag + 1;
        }
        acks.newGeneration(first); // before the arrivals' count, never inside its lock: the freeze takes them in that order
        synchronized (arrivals) {
            generationStart = first;
            receivedInGeneration = 0;
        }
        if (stopping.getAsBoolean()) {
            return true;
        }
        channel.basicQos(to);
        window = to;
        for (var queue : settings.queues()) {
            String name = queue.name();
            Long next = received.get(name);
            Subscription fresh = consume(name, next == null ? positions.resumeAt(name) : Long.valueOf(next + 1));
            tags.put(name, fresh.tag);
            if (stopping.getAsBoolean()) {
                cancelQuietly(fresh.tag);
                return true;
            }
        }
        return true;
    }

    /** @return whether every current tag's window is full, waited for up to {@value #FILL_WAIT_MILLIS} ms; settlements held */
    private boolean awaitFullWindows() {
        long needed = (long) window * tags.size();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FILL_WAIT_MILLIS);
        synchronized (arrivals) {
            while (receivedInGeneration - acks.settledInGeneration() < needed) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !channel.isOpen()) {
                    return false;
                }
                try {
                    arrivals.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    /** One consumer tag and the client's consumer behind it. */
    private final class Subscription extends DefaultConsumer {
        private final String queue;
        /** Completed once the client has handed over every delivery sent before the cancel-ok. */
        private final CompletableFuture<Void> handedOver = new CompletableFuture<>();
        private volatile String tag;

        Subscription(String queue) {
            super(channel);
            this.queue = queue;
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            synchronized (arrivals) {
                lastReceivedTag = Math.max(lastReceivedTag, envelope.getDeliveryTag());
                if (envelope.getDeliveryTag() >= generationStart) {
                    receivedInGeneration++;
                }
                arrivals.notifyAll();
            }
            if (settings.stream() && properties.getHeaders() != null
                    && properties.getHeaders().get("x-stream-offset") instanceof Number offset) {
                received.merge(queue, offset.longValue(), Math::max);
            }
            deliveries.delivered(queue, envelope, properties, body);
        }

        @Override
        public void handleCancelOk(String consumerTag) {
            // the client calls it on the same thread as, and after, the deliveries the broker sent before
            handedOver.complete(null);
        }

        @Override
        public void handleShutdownSignal(String consumerTag, ShutdownSignalException cause) {
            handedOver.completeExceptionally(cause); // a resize waiting for the cancel-ok waits no more
        }

        @Override
        public void handleCancel(String consumerTag) {
            deliveries.cancelledByBroker(queue);
        }
    }

    private Subscription consume(String queue, Long streamOffset) throws IOException {
        Map<String, Object> arguments = new HashMap<>(settings.consumeArguments());
        if (settings.stream() && streamOffset != null) {
            arguments.put("x-stream-offset", streamOffset); // reads on, instead of from streamOffset again
        }
        Subscription subscription = new Subscription(queue);
        subscription.tag = channel.basicConsume(queue, false, "", false, settings.exclusive(), arguments, subscription);
        subscriptions.put(subscription.tag, subscription);
        return subscription;
    }

    /**
     * Waits until the deliveries the cancelled tag still had on their way have reached the consumer:
     * a stream's next offset is known only then.
     */
    private static void awaitHandover(Subscription cancelled) throws IOException {
        if (cancelled == null) {
            return;
        }
        try {
            cancelled.handedOver.get(HANDOVER_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the client did not hand over the deliveries of a cancelled consumer of queue '"
                    + cancelled.queue + "' within " + HANDOVER_WAIT_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while consuming queue '" + cancelled.queue + "' again", e);
        }
    }

    /** Cancels every queue's consumer, waiting for each cancel-ok. */
    void cancel() {
        for (String tag : tags.values()) {
            cancelQuietly(tag);
        }
    }

    /** Cancels every queue's consumer without waiting for the broker's cancel-ok (see {@link QueueConsumer#cancelWithoutWaiting}). */
    void cancelWithoutWaiting() {
        for (String tag : tags.values()) {
            try {
                if (channel.isOpen()) {
                    channel.asyncRpc(new AMQP.Basic.Cancel.Builder().consumerTag(tag).build());
                }
            } catch (IOException | ShutdownSignalException e) {
                LOG.log(Level.FINE, "Cancelling a consumer failed; closing its connection ends it anyway", e);
            }
        }
    }

    private void cancelQuietly(String tag) {
        try {
            if (channel.isOpen()) {
                channel.basicCancel(tag);
            }
        } catch (IOException | ShutdownSignalException e) {
            LOG.log(Level.FINE, "Cancelling a consumer failed; closing its channel ends it anyway", e);
        }
    }
}
