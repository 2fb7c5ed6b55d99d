package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.DecodeException;
import io.warren.Message;
import io.warren.MessageListener;
import io.warren.rar.messages.ReceivedMessage;
import io.warren.rar.messages.Settlement;
import io.warren.rar.serialization.Serializers;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One consumer of an activation: a channel with its QoS consuming every queue of the MDB, and one
 * message endpoint. The client's thread only queues deliveries; a {@link Work} on the container's
 * WorkManager takes them in order and runs each through beforeDelivery, onMessage and
 * afterDelivery, then acks, requeues or dead-letters it. The Work ends when nothing is waiting,
 * so no container thread is held by an idle consumer.
 *
 * <p>Acks are coalesced ({@link AckCoalescer}): the acks of deliveries that succeeded are held
 * back and sent as one {@code multiple} ack after {@code prefetch / 2} of them, before any reject
 * or requeue, before a dead letter, at cancel and close, and at the latest
 * {@value #MAX_ACK_DELAY_MILLIS} ms after the first was held: a small {@link HeldAcks} Work on the
 * container's WorkManager watches them while any are held (no thread of Warren's own), so that
 * neither a slow delivery nor a pause in the stream holds back the acks of those before it. They
 * are not sent merely because no delivery is waiting here: a consumer that keeps up with the
 * broker would then ack nearly every message on its own, which is what coalescing saves. As at
 * most {@code prefetch / 2} are held, the broker always has room to send more.
 */
final class QueueConsumer {

    private static final Logger LOG = Logger.getLogger(QueueConsumer.class.getName());
    private static final Method ON_MESSAGE;

    static {
        try {
            ON_MESSAGE = MessageListener.class.getMethod("onMessage", Message.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How long the ack of a delivery that succeeded may be held back, checked as deliveries start and arrive. */
    static final long MAX_ACK_DELAY_MILLIS = 2;
    private static final long MAX_ACK_DELAY_NANOS = MAX_ACK_DELAY_MILLIS * 1_000_000;

    private record Delivery(String queue, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    }

    private final Activation activation;
    private final Channel channel;
    private final ConcurrentLinkedQueue<Delivery> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final DeliveryTransaction transaction = new DeliveryTransaction();
    private final List<String> consumerTags = new ArrayList<>();
    private final AckCoalescer acks;
    private final AtomicBoolean heldAcksWatched = new AtomicBoolean();
    private volatile boolean stopping;
    private boolean closed;
    private MessageEndpoint endpoint;
    private Boolean transacted;

    QueueConsumer(Activation activation, Channel channel) {
        this.activation = activation;
        this.channel = channel;
        this.acks = new AckCoalescer(channel, Math.max(1, activation.settings().prefetch() / 2), MAX_ACK_DELAY_NANOS);
    }

    /** Applies the QoS and starts consuming every queue; the channel confirms dead letters. */
    void start() throws IOException {
        InboundSettings settings = activation.settings();
        channel.basicQos(settings.prefetch());
        channel.confirmSelect();
        for (var queue : settings.queues()) {
            String name = queue.name();
            consumerTags.add(channel.basicConsume(name, false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                    accept(new Delivery(name, envelope, properties, body));
                }

                @Override
                public void handleCancel(String tag) {
                    LOG.warning(() -> "The broker cancelled the consumer of queue '" + name
                            + "' (deleted?); " + activation.describe() + " reconnects to consume it again");
                    activation.consumerLost(QueueConsumer.this);
                }
            }));
        }
    }

    private void accept(Delivery delivery) {
        if (stopping) {
            return; // left unacked: the broker requeues it when the channel closes
        }
        pending.add(delivery);
        schedule();
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                activation.workManager().scheduleWork(new Drain());
            } catch (WorkException e) {
                scheduled.set(false);
                LOG.log(Level.WARNING, "The WorkManager refused a delivery Work for " + activation.describe()
                        + "; the deliveries wait on the broker until the next one", e);
            }
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
                    watchHeldAcks();
                }
                synchronized (this) {
                    scheduled.set(false);
                    notifyAll();
                    if (closed) {
                        releaseEndpoint();
                    }
                }
                if (stopping || pending.isEmpty()) {
                    return;
                }
                if (turn.released) {
                    schedule(); // the container wants this thread back: a new turn takes the rest
                    return;
                }
                if (scheduled.compareAndSet(false, true)) {
                    continue;
                }
                return;
            }
            acks.flushIfOlder();
            if (acks.isHolding()) {
                // this delivery may take its time: watch that the acks held meanwhile go within the delay
                watchHeldAcks();
            }
            try {
                deliver(delivery);
            } catch (RuntimeException | Error unexpected) {
                // a bug of ours, or the container's: log it, give the message back, keep consuming
                LOG.log(Level.SEVERE, "Unexpected failure delivering a message from queue '" + delivery.queue()
                        + "' for " + activation.describe() + "; it goes back to the queue", unexpected);
                requeueQuietly(delivery.envelope().getDeliveryTag());
            }
        }
    }

    /** Makes sure that the acks held now are sent within the delay, whatever the next delivery takes. */
    private void watchHeldAcks() {
        if (heldAcksWatched.get() || !heldAcksWatched.compareAndSet(false, true)) {
            return;
        }
        try {
            activation.workManager().scheduleWork(new HeldAcks());
        } catch (WorkException e) {
            heldAcksWatched.set(false);
            LOG.log(Level.FINE, "The WorkManager refused the Work that sends held acks; sending them now", e);
            acks.flushQuietly();
        }
    }

    /**
     * Sends the held acks once the oldest is {@value #MAX_ACK_DELAY_MILLIS} ms old, and ends when
     * none is held: a Work on the container's WorkManager, running only while acks are held. A new
     * instance each time, as {@link Drain}; its release() ends only itself.
     */
    private final class HeldAcks implements Work {
        private volatile boolean released;

        @Override
        public void run() {
            while (true) {
                long oldest = acks.oldestHeldNanos();
                if (oldest == 0 || released || stopping) {
                    if (oldest != 0) {
                        acks.flushQuietly(); // asked to end early: what is held goes now rather than wait unwatched
                    }
                    heldAcksWatched.set(false);
                    // held again since the look above, and nobody else watching: go on watching
                    if (!released && !stopping && acks.isHolding() && heldAcksWatched.compareAndSet(false, true)) {
                        continue;
                    }
                    return;
                }
                long wait = oldest + MAX_ACK_DELAY_NANOS - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else {
                    acks.flushIfOlder();
                }
            }
        }

        @Override
        public void release() {
            released = true;
        }
    }

    private void requeueQuietly(long tag) {
        try {
            acks.rejected(tag, true);
        } catch (IOException | ShutdownSignalException e) {
            LOG.log(Level.FINE, "Could not requeue on a closed channel; the broker requeues it", e);
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

        /**
         * Asked by the container to give its thread back: this turn ends after the current
         * delivery. Only this turn: WildFly calls it on every Work when the Work ends.
         */
        @Override
        public void release() {
            released = true;
        }
    }

    private void deliver(Delivery delivery) {
        InboundSettings settings = activation.settings();
        boolean manual = settings.ackMode() == InboundSettings.AckMode.MANUAL;
        ReceivedMessage message = new ReceivedMessage(delivery.queue(), delivery.envelope(), delivery.properties(),
                delivery.body(), activation.serializers(), activation.acceptedTypes(),
                manual ? this::settleByListener : QueueConsumer::refuseSettlement);
        String mediaType = delivery.properties().getContentType() == null ? Serializers.OCTET_STREAM
                : Serializers.mediaType(delivery.properties().getContentType());
        int attempt = activation.attempts().attempt(message);
        if (!activation.acceptedTypes().contains(mediaType)) {
            deadLetter(message, "content type '" + mediaType + "' is not accepted (accepted: "
                    + activation.acceptedTypes() + ")", null, attempt);
            return;
        }
        MessageEndpoint target = endpoint(message);
        if (target == null) {
            return;
        }
        InFlight inFlight = new InFlight(message, attempt);
        if (!manual && isTransacted()) {
            transaction.bind(inFlight);
        }
        try {
            target.beforeDelivery(ON_MESSAGE);
        } catch (NoSuchMethodException | ResourceException | RuntimeException e) {
            // the MDB never saw the message: the container is not ready for it, the message is not at fault
            transaction.bind(null);
            LOG.log(Level.WARNING, "The container refused a delivery to the MDB of " + activation.describe()
                    + " (" + e + "); its message goes back to queue '" + message.queue() + "'");
            inFlight.refused();
            activation.pauseBeforeRetry();
            return;
        }
        try {
            ((MessageListener) target).onMessage(message);
        } catch (Throwable failure) {
            inFlight.failure = failure;
        } finally {
            try {
                target.afterDelivery();
            } catch (ResourceException | RuntimeException e) {
                if (inFlight.failure == null) {
                    inFlight.failure = e;
                }
            }
        }
        transaction.bind(null);
        if (!inFlight.settled) {
            inFlight.finish(manual);
        }
        if (inFlight.refused) {
            // the container turns away every delivery for a while (it is stopping the MDB): don't spin
            // through the prefetched messages, wait for the deactivation or a container ready again
            activation.pauseBeforeRetry();
        }
    }

    private boolean isTransacted() {
        if (transacted == null) {
            try {
                transacted = activation.endpointFactory().isDeliveryTransacted(ON_MESSAGE);
            } catch (NoSuchMethodException e) {
                transacted = false;
            }
        }
        return transacted;
    }

    /** @return this consumer's endpoint, made on first use here rather than at activation, where it may block */
    private MessageEndpoint endpoint(ReceivedMessage message) {
        if (endpoint == null) {
            try {
                endpoint = activation.endpointFactory().createEndpoint(transaction);
            } catch (UnavailableException | RuntimeException e) {
                LOG.log(Level.WARNING, "The MDB of " + activation.describe() + " is not available yet ("
                        + e.getMessage() + "); its message goes back to queue '" + message.queue() + "'");
                requeueUncounted(message);
                activation.pauseBeforeRetry();
                return null;
            }
        }
        return endpoint;
    }

    /** A delivery under way, settled once: by the transaction's outcome, or after afterDelivery. */
    private final class InFlight implements DeliveryTransaction.Outcome {
        private final ReceivedMessage message;
        private final int attempt;
        private Throwable failure;
        private boolean settled;
        private boolean refused;

        InFlight(ReceivedMessage message, int attempt) {
            this.message = message;
            this.attempt = attempt;
        }

        /**
         * A delivery that threw is not acked even though the container committed: WildFly commits
         * when it turns the delivery away before the MDB runs (while it stops the MDB), as does any
         * container for an application exception marked {@code rollback=false}.
         */
        @Override
        public void committed() {
            settled = true;
            if (failure == null) {
                succeeded(message);
            } else {
                failed(failure);
            }
        }

        @Override
        public void rolledBack() {
            settled = true;
            failed(failure != null ? failure : new IllegalStateException("the MDB's transaction rolled back"));
        }

        void finish(boolean manual) {
            settled = true;
            if (manual && message.outcome() != Message.Outcome.PENDING) {
                if (message.outcome() == Message.Outcome.ACKED) {
                    activation.attempts().settled(message);
                }
                return;
            }
            if (failure == null && manual) {
                failure = new IllegalStateException("ackMode=manual, but the MDB returned without calling ack(), "
                        + "reject() or requeue()");
            }
            if (failure == null) {
                succeeded(message);
            } else {
                failed(failure);
            }
        }

        /** The MDB did not run: the message goes back without counting as a failed delivery. */
        void refused() {
            settled = true;
            refused = true;
            requeueUncounted(message);
        }

        void failed(Throwable cause) {
            settled = true;
            failure = cause;
            if (isContainerRefusal(cause)) {
                LOG.log(Level.FINE, "The container turned away a delivery from queue ''{0}'' ({1}); requeued",
                        new Object[] {message.queue(), cause});
                refused();
                return;
            }
            Throwable reason = applicationCause(cause);
            if (isDecodeFailure(cause)) {
                deadLetter(message, "the body could not be decoded", reason, attempt);
            } else if (attempt >= activation.settings().maxDeliveries()) {
                deadLetter(message, "delivery failed " + attempt + " times (maxDeliveries="
                        + activation.settings().maxDeliveries() + ")", reason, attempt);
            } else {
                LOG.log(Level.FINE, "Delivery {0} of a message from queue ''{1}'' failed ({2}); requeued",
                        new Object[] {attempt, message.queue(), reason});
                activation.attempts().failed(message, attempt);
                settle(message, Message.Outcome.REQUEUED);
            }
        }
    }

    /** The MDB never saw the message: back to its queue, and no delivery attempt counted. */
    private void requeueUncounted(ReceivedMessage message) {
        activation.attempts().refused(message);
        settle(message, Message.Outcome.REQUEUED);
    }

    private void succeeded(ReceivedMessage message) {
        activation.attempts().settled(message);
        settle(message, Message.Outcome.ACKED);
    }

    private void deadLetter(ReceivedMessage message, String reason, Throwable failure, int attempt) {
        // the copy waits for the broker's confirm: the acks held back do not wait with it
        acks.flushQuietly();
        try {
            activation.deadLetters().send(channel, message, reason, failure, attempt);
        } catch (IOException | ShutdownSignalException e) {
            LOG.log(Level.SEVERE, "Could not dead-letter a message from queue '" + message.queue() + "' to "
                    + activation.deadLetters().target(message.queue()) + " (" + e.getMessage()
                    + "); it goes back to its queue instead", e);
            settle(message, Message.Outcome.REQUEUED);
            return;
        }
        LOG.warning(() -> "Dead-lettered a message from queue '" + message.queue() + "' to "
                + activation.deadLetters().target(message.queue()) + ": " + reason
                + (failure == null ? "" : " (" + failure.getClass().getName() + ": "
                + DeadLetters.cut(String.valueOf(failure.getMessage())) + ")"));
        activation.attempts().settled(message);
        settle(message, Message.Outcome.ACKED);
    }

    private void settle(ReceivedMessage message, Message.Outcome outcome) {
        try {
            settleOnChannel(message.deliveryTag(), outcome);
            message.markSettled(outcome);
        } catch (IOException | ShutdownSignalException e) {
            // the channel died under the delivery: the broker has already requeued it
            LOG.log(Level.FINE, "Could not settle a message from queue ''{0}'' on a closed channel; "
                    + "the broker redelivers it", message.queue());
        }
    }

    private void settleOnChannel(long tag, Message.Outcome outcome) throws IOException {
        switch (outcome) {
            case ACKED -> acks.acked(tag);
            case REJECTED -> acks.rejected(tag, false);
            case REQUEUED -> acks.rejected(tag, true);
            default -> throw new IllegalArgumentException(outcome.name());
        }
    }

    private void settleByListener(long tag, Message.Outcome outcome) {
        try {
            settleOnChannel(tag, outcome);
        } catch (IOException | ShutdownSignalException e) {
            throw new io.warren.WarrenException("The channel of this delivery closed; the broker redelivers the message", e);
        }
    }

    private static void refuseSettlement(long tag, Message.Outcome outcome) {
        throw new IllegalStateException("ackMode=container: Warren settles this message when the delivery ends "
                + "(ack on success, requeue or dead-letter on failure); set ackMode=manual to settle it yourself");
    }

    /**
     * @return whether the container, not the MDB, threw: it would not run the MDB (WildFly's
     *     {@code EJBComponentUnavailableException} while it stops the MDB, or an {@link UnavailableException})
     */
    private static boolean isContainerRefusal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnavailableException
                    || cause.getClass().getSimpleName().equals("EJBComponentUnavailableException")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDecodeFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof DecodeException) {
                return true;
            }
        }
        return false;
    }

    /** @return the failure without the container's wrappers, to name it in the dead letter's headers */
    private static Throwable applicationCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && isWrapper(cause)) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static boolean isWrapper(Throwable failure) {
        String name = failure.getClass().getName();
        return name.endsWith("EJBException") || name.endsWith("EJBTransactionRolledbackException")
                || failure instanceof java.lang.reflect.UndeclaredThrowableException
                || failure instanceof java.lang.reflect.InvocationTargetException;
    }

    /** Stops taking deliveries from the broker; those already queued here are dropped and requeued with the channel. */
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
        } catch (IOException | java.util.concurrent.TimeoutException | ShutdownSignalException e) {
            LOG.log(Level.FINE, "Closing a consumer channel failed; it is gone either way", e);
        }
        synchronized (this) {
            closed = true;
            if (!scheduled.get()) {
                releaseEndpoint();
            }
        }
    }

    /** Called with this consumer's lock held, when no delivery is under way. */
    private void releaseEndpoint() {
        if (endpoint != null) {
            endpoint.release();
            endpoint = null;
        }
    }

    /** @return whether this consumer's channel still works */
    boolean isOpen() {
        return channel.isOpen();
    }
}
