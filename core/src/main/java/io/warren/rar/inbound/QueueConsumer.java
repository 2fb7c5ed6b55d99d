package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.Message;
import io.warren.rar.messages.ReceivedMessage;
import io.warren.rar.serialization.Serializers;
import io.warren.rar.tracing.Tracing;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One consumer of an activation, and its delivery loop: a channel with its QoS consuming every
 * queue of the MDB. The client's thread only queues deliveries; a {@link Work} on the container's
 * WorkManager takes them in order and hands each to the {@link ConsumerEndpoint}, which runs it
 * through the MDB, and the {@link Settler}, which decides what becomes of it. The Work ends when
 * nothing is waiting, so no container thread is held by an idle consumer; a Work the WorkManager
 * refuses is asked for again after a short, growing wait, so that deliveries never wait in memory
 * for an event that may not come.
 *
 * <p>Acks are coalesced ({@link AckCoalescer}) and sent at the latest {@value #MAX_ACK_DELAY_MILLIS}
 * ms after the first was held ({@link HeldAckWatch}).
 *
 * <p>When the broker closes this consumer's channel, or cancels its consumer, while the
 * connection lives, the activation is told ({@link Activation#consumerLost}) and replaces it.
 */
final class QueueConsumer {

    private static final Logger LOG = Logger.getLogger(QueueConsumer.class.getName());

    /** How long the ack of a delivery that succeeded may be held back. */
    static final long MAX_ACK_DELAY_MILLIS = 2;
    private static final long MAX_ACK_DELAY_NANOS = MAX_ACK_DELAY_MILLIS * 1_000_000;
    private static final Backoff REFUSED_WORK = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1));

    private record Delivery(String queue, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    }

    private final Activation activation;
    private final Channel channel;
    private final ConcurrentLinkedQueue<Delivery> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final List<String> consumerTags = new ArrayList<>();
    private final AckCoalescer acks;
    private final HeldAckWatch heldAcks;
    private final Settler settler;
    private final ConsumerEndpoint endpoint;
    private volatile boolean stopping;
    private boolean closed;
    /** Refusals of the WorkManager in a row; the retry waits grow with it. */
    private int refusedWorks;

    QueueConsumer(Activation activation, Channel channel) {
        this.activation = activation;
        this.channel = channel;
        this.acks = new AckCoalescer(channel, activation.settings().ackEvery(), MAX_ACK_DELAY_NANOS);
        this.heldAcks = new HeldAckWatch(acks, MAX_ACK_DELAY_NANOS, activation.workManager(), () -> stopping);
        this.settler = new Settler(activation, acks, this::rewind);
        this.endpoint = new ConsumerEndpoint(activation);
    }

    /** Applies the QoS and starts consuming every queue. */
    void start() throws IOException {
        channel.addShutdownListener(cause -> {
            // a connection's loss is the activation's to handle; a channel's alone is this consumer's
            if (!stopping && !cause.isInitiatedByApplication() && !cause.isHardError()) {
                activation.consumerLost(this, "the broker closed its channel: " + replyOf(cause));
            }
        });
        InboundSettings settings = activation.settings();
        channel.basicQos(settings.prefetch());
        for (var queue : settings.queues()) {
            String name = queue.name();
            Map<String, Object> arguments = new HashMap<>(settings.consumeArguments());
            Long resume = activation.streamPositions().resumeAt(name);
            if (settings.stream() && resume != null) {
                arguments.put("x-stream-offset", resume); // a replacement reads on where the last one settled
            }
            consumerTags.add(channel.basicConsume(name, false, "", false, settings.exclusive(), arguments,
                    new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    accept(new Delivery(name, envelope, properties, body));
                }

                @Override
                public void handleCancel(String tag) {
                    activation.consumerLost(QueueConsumer.this, "the broker cancelled its consumer of queue '" + name
                            + "' (the queue was deleted, or its node left the cluster)");
                }
            }));
        }
    }

    private static String replyOf(ShutdownSignalException cause) {
        if (cause.getReason() instanceof AMQP.Channel.Close close) {
            return close.getReplyCode() + " " + close.getReplyText();
        }
        return String.valueOf(cause.getMessage());
    }

    private void accept(Delivery delivery) {
        if (stopping) {
            return; // left unacked: the broker requeues it when the channel closes
        }
        activation.metrics().delivered(delivery.envelope().isRedeliver());
        pending.add(delivery);
        if (scheduled.compareAndSet(false, true)) {
            schedule();
        }
    }

    /** Asks the WorkManager for a Work to take the deliveries; the caller has set {@link #scheduled}. */
    private void schedule() {
        if (stopping) {
            endTurn();
            return;
        }
        try {
            activation.workManager().scheduleWork(new Drain());
            refusedWorks = 0;
        } catch (WorkException e) {
            int refusals = ++refusedWorks;
            long wait = REFUSED_WORK.millis(refusals);
            if (refusals == 1) {
                LOG.log(Level.WARNING, "The WorkManager refused a delivery Work for " + activation.describe() + " ("
                        + e.getMessage() + "); " + pending.size() + " deliveries wait here, asking again in " + wait
                        + " ms and then at most every " + REFUSED_WORK.max().toMillis() + " ms");
            } else {
                LOG.log(Level.FINE, "The WorkManager refused a delivery Work {0} times in a row", refusals);
            }
            activation.later(wait, this::schedule);
        }
    }

    /** No Work runs or is asked for any more, until the next delivery. */
    private synchronized void endTurn() {
        scheduled.set(false);
        notifyAll();
        if (closed) {
            endpoint.release();
        }
    }

    private void drain(Drain turn) {
        while (true) {
            Delivery delivery = stopping || turn.released ? null : pending.poll();
            if (delivery == null) {
                // nothing more is waiting here, but more deliveries are likely on their way: the
                // held acks may wait for them, within the delay, under the watch of another Work
                if (stopping || turn.released) {
                    acks.flushQuietly();
                } else if (acks.isHolding()) {
                    heldAcks.watch();
                }
                endTurn();
                if (stopping || pending.isEmpty()) {
                    return;
                }
                if (!scheduled.compareAndSet(false, true)) {
                    return; // a new delivery has started a turn of its own
                }
                if (turn.released) {
                    schedule(); // the container wants this thread back: a new turn takes the rest
                    return;
                }
                continue;
            }
            acks.flushIfOlder();
            if (acks.isHolding()) {
                // this delivery may take its time: the acks held meanwhile still go within the delay
                heldAcks.watch();
            }
            try {
                deliver(delivery);
            } catch (RuntimeException | Error unexpected) {
                // a bug of ours, or the container's: log it, give the message back, keep consuming
                LOG.log(Level.SEVERE, "Unexpected failure delivering a message from queue '" + delivery.queue()
                        + "' for " + activation.describe() + "; it goes back to the queue", unexpected);
                try {
                    if (settings().stream()) {
                        rewindTo(delivery.queue(), delivery.properties());
                    } else {
                        acks.rejected(delivery.envelope().getDeliveryTag(), true);
                    }
                } catch (IOException | ShutdownSignalException e) {
                    LOG.log(Level.FINE, "Could not requeue on a closed channel; the broker requeues it", e);
                }
            }
        }
    }

    /**
     * One turn of taking deliveries, on a container thread. A new instance each time: a
     * WorkManager may ignore a Work instance that it is still running (WildFly's does).
     */
    private final class Drain implements Work {
        private volatile boolean released;

        @Override
        public void run() {
            drain(this);
        }

        /** Asked to give the thread back: this turn ends after the current delivery (WildFly calls it on every Work). */
        @Override
        public void release() {
            released = true;
        }
    }

    private void deliver(Delivery delivery) {
        InboundSettings settings = activation.settings();
        boolean manual = settings.ackMode() == InboundSettings.AckMode.MANUAL;
        InFlight inFlight = new InFlight(settler, manual);
        ReceivedMessage message = new ReceivedMessage(delivery.queue(), delivery.envelope(), delivery.properties(),
                delivery.body(), activation.serializers(), activation.acceptedTypes(),
                manual ? inFlight : QueueConsumer::refuseSettlement);
        int attempt = activation.attempts().attempt(message);
        inFlight.of(message, attempt);
        String mediaType = delivery.properties().getContentType() == null ? Serializers.OCTET_STREAM
                : Serializers.mediaType(delivery.properties().getContentType());
        if (!activation.acceptedTypes().contains(mediaType)) {
            activation.metrics().decodeFailed();
            settler.deadLetter(message, "content type '" + mediaType + "' is not accepted (accepted: "
                    + activation.acceptedTypes() + ")", null, attempt);
            return;
        }
        if (attempt > settings.maxDeliveries()) {
            // its last failure could not be dead-lettered then: do it now, without running the MDB again
            settler.deadLetter(message, "delivery failed " + (attempt - 1) + " times (maxDeliveries="
                    + settings.maxDeliveries() + ")", null, attempt - 1);
            return;
        }
        boolean refused;
        try (Tracing.Span span = Tracing.process(message)) {
            refused = endpoint.deliver(message, inFlight, settler);
        }
        if (refused) {
            // the container turns deliveries away for a while (it is stopping or not yet ready): don't
            // spin through the prefetched messages; wait for the deactivation or a container ready again
            activation.pauseBeforeRetry();
        }
    }

    private InboundSettings settings() {
        return activation.settings();
    }

    /** A stream takes no message back: this consumer stops, and its replacement reads again from the message. */
    private void rewind(ReceivedMessage message) {
        rewindTo(message.queue(), message.properties());
    }

    private void rewindTo(String stream, AMQP.BasicProperties properties) {
        stopping = true;
        pending.clear();
        Object offset = properties.getHeaders() == null ? null : properties.getHeaders().get("x-stream-offset");
        activation.streamPositions().readAgain(stream, offset);
        activation.consumerLost(this, "a delivery of stream '" + stream + "' at offset " + offset + " did not run "
                + "(a stream takes nothing back), so a new consumer reads the stream again from offset "
                + activation.streamPositions().resumeAt(stream));
    }

    private static void refuseSettlement(long tag, Message.Outcome outcome) {
        throw new IllegalStateException("ackMode=container: Warren settles this message when the delivery ends "
                + "(ack on success, requeue or dead-letter on failure); set ackMode=manual to settle it yourself");
    }

    /** Stops taking deliveries from the broker; those queued here are dropped, and requeued with the channel. */
    void cancel() {
        stopping = true;
        pending.clear();
        acks.flushQuietly();
        for (String tag : consumerTags) {
            try {
                if (channel.isOpen()) {
                    channel.basicCancel(tag);
                }
            } catch (IOException | ShutdownSignalException e) {
                LOG.log(Level.FINE, "Cancelling a consumer failed; closing its channel ends it anyway", e);
            }
        }
    }

    /** Waits until the delivery under way, if any, has finished. @return whether it did in time */
    synchronized boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        while (scheduled.get()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /**
     * Closes the channel (requeuing what it held unacked) and releases the endpoint, at once or,
     * when a delivery is under way, as soon as it ends.
     */
    void close() {
        stopping = true;
        acks.flushQuietly();
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            LOG.log(Level.FINE, "Closing a consumer channel failed; it is gone either way", e);
        }
        synchronized (this) {
            closed = true;
            if (!scheduled.get()) {
                endpoint.release();
            }
        }
    }

    /** @return whether this consumer's channel still works */
    boolean isOpen() {
        return channel.isOpen();
    }
}
