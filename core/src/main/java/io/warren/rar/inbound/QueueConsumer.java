package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.rar.messages.ReceivedMessage;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One consumer of an activation, and its delivery loop: a channel with its QoS consuming every
 * queue of the MDB. The client's thread only queues deliveries; a {@link Work} on the container's
 * WorkManager takes them in order, alone or in batches ({@code batchSize}, filled within
 * {@code batchTimeoutMillis}), and hands them to the {@link DeliveryWalk}. The Work ends when nothing is waiting, so no container thread
 * is held by an idle consumer; a Work the WorkManager refuses is asked for again after a short,
 * growing wait, so that deliveries never wait in memory for an event that may not come.
 *
 * <p>Acks are coalesced ({@link AckCoalescer}) and sent at the latest {@value #MAX_ACK_DELAY_MILLIS}
 * ms after the first was held ({@link HeldAckWatch}).
 *
 * <p>When the broker closes this consumer's channel, or cancels its consumer, while the
 * connection lives, the activation is told ({@link ConsumerHost#consumerLost}) and replaces it.
 *
 * <p>The bodies waiting here or in delivery count against the activation's {@link BodyBudget}:
 * when it asks for another window, the {@link WindowAdjuster} consumes the queues again with it.
 *
 * <p>Threading: {@link #start()}, {@link #cancel()} and {@link #close()} come from the
 * activation's Work or its stop; deliveries arrive on the client's thread; one delivery Work runs
 * at a time, so deliveries are taken, and (but for a transaction the reaper rolls back) settled, in
 * the order the broker sent them.
 */
final class QueueConsumer {

    private static final Logger LOG = Logger.getLogger(QueueConsumer.class.getName());

    /** How long the ack of a delivery that succeeded may be held back. */
    static final long MAX_ACK_DELAY_MILLIS = 2;
    private static final long MAX_ACK_DELAY_NANOS = MAX_ACK_DELAY_MILLIS * 1_000_000;
    private static final Backoff REFUSED_WORK = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1));

    private final DeliveryContext context;
    private final ConsumerHost host;
    private final Channel channel;
    private final Arrivals pending = new Arrivals();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Subscriptions subscriptions;
    private final BodyBudget budget;
    private final WindowAdjuster windows;
    private final AckCoalescer acks;
    private final HeldAckWatch heldAcks;
    private final Settler settler;
    private final ConsumerEndpoint endpoint;
    private final DeliveryWalk walk;
    private volatile boolean stopping;
    private boolean closed;
    /** Refusals of the WorkManager in a row; the retry waits grow with it. */
    private int refusedWorks;

    /** @param endpoint this consumer's own: released when it closes */
    QueueConsumer(DeliveryContext context, ConsumerHost host, ConsumerEndpoint endpoint, Channel channel) {
        this.context = context;
        this.host = host;
        this.channel = channel;
        this.acks = new AckCoalescer(channel, context.settings().ackEvery(), MAX_ACK_DELAY_NANOS);
        this.heldAcks = new HeldAckWatch(acks, MAX_ACK_DELAY_NANOS, context.workManager(), () -> stopping);
        this.settler = new Settler(context, acks, this::rewind, reply -> reply.publishOn(channel));
        this.endpoint = endpoint;
        this.walk = new DeliveryWalk(context, settler, endpoint, host, channel);
        this.budget = context.budget();
        this.subscriptions = new Subscriptions(channel, context.settings(), context.streamPositions(), acks,
                new Subscriptions.Deliveries() {
            @Override
            public void delivered(String queue, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                try {
                    accept(new Delivery(queue, envelope, properties, body));
                } catch (RuntimeException | Error e) {
                    // thrown to the client, it would close the channel as the application's
                    // own close, which the shutdown listener rightly ignores: a silent stop
                    host.consumerLost(QueueConsumer.this, "taking a delivery of queue '" + queue + "' failed ("
                            + e + ")");
                }
            }

            @Override
            public void cancelledByBroker(String queue) {
                host.consumerLost(QueueConsumer.this, "the broker cancelled its consumer of queue '" + queue
                        + "' (the queue was deleted, or its node left the cluster)");
            }
        });
        this.windows = new WindowAdjuster(context, subscriptions, channel, () -> stopping,
                reason -> host.consumerLost(this, reason), host::later);
    }

    /** Applies the QoS and starts consuming every queue. */
    void start() throws IOException {
        channel.addShutdownListener(cause -> {
            // a connection's loss is the activation's to handle; a channel's alone is this consumer's
            if (!stopping && !cause.isInitiatedByApplication() && !cause.isHardError()) {
                host.consumerLost(this, "the broker closed its channel: " + replyOf(cause));
            }
        });
        InboundSettings settings = context.settings();
        subscriptions.consume(settings.windowsAdjustable() ? budget.startWindow() : settings.prefetch());
        windows.start();
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
        context.metrics().delivered(delivery.envelope().isRedeliver());
        budget.hold(delivery.size());
        pending.add(delivery);
        if (stopping) {
            dropPending(); // a cancel cleared the queue between the look above and the add
            return;
        }
        if (scheduled.compareAndSet(false, true)) {
            schedule();
        }
        windows.check();
    }

    /** Drops the deliveries waiting here (the broker requeues them with the channel) and lets go of their bodies. */
    private void dropPending() {
        pending.wake(); // a batch waiting for more is delivered as it is
        for (Delivery dropped = pending.poll(); dropped != null; dropped = pending.poll()) {
            budget.release(dropped.size());
        }
    }

    /** Asks the WorkManager for a Work to take the deliveries; the caller has set {@link #scheduled}. */
    private void schedule() {
        if (stopping) {
            endTurn();
            return;
        }
        try {
            context.workManager().scheduleWork(new Drain());
            refusedWorks = 0;
        } catch (RuntimeException e) {
            endTurn(); // no Work will end this turn: a close must not wait for one
            throw e;
        } catch (WorkException e) {
            int refusals = ++refusedWorks;
            long wait = REFUSED_WORK.millis(refusals);
            if (refusals == 1) {
                LOG.log(Level.WARNING, "The WorkManager refused a delivery Work for " + context.description() + " ("
                        + e.getMessage() + "); " + pending.size() + " deliveries wait here, asking again in " + wait
                        + " ms and then at most every " + REFUSED_WORK.max().toMillis() + " ms");
            } else {
                LOG.log(Level.FINE, "The WorkManager refused a delivery Work {0} times in a row", refusals);
            }
            host.later(wait, this::schedule);
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
            if (!channel.isOpen()) {
                // The channel closed under the deliveries queued here (the connection was lost, and the
                // activation has yet to cancel this consumer): the broker has requeued them already, so
                // running the MDB now would do its work (commit its transaction) for nothing but a
                // duplicate, as the ack cannot go out. Dropped, they come once, from the broker.
                budget.release(delivery.size());
                dropPending();
                continue;
            }
            List<Delivery> batch = batch(delivery, turn);
            try {
                acks.flushIfOlder();
                if (acks.isHolding()) {
                    // this delivery may take its time: the acks held meanwhile still go within the delay
                    heldAcks.watch();
                }
                walk.deliver(batch);
            } finally {
                for (Delivery delivered : batch) {
                    budget.release(delivered.size());
                }
            }
            windows.check();
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
            pending.wake();
        }
    }

    /**
     * @return the delivery alone, or with it what else arrives within {@code batchTimeoutMillis}, up
     *     to {@code batchSize} and to what the broker may send unacked on this channel (a window the
     *     {@link BodyBudget} narrowed fits fewer), when the MDB takes batches
     */
    private List<Delivery> batch(Delivery first, Drain turn) {
        InboundSettings settings = context.settings();
        int size = Math.min(settings.batchSize(), subscriptions.window() * settings.queues().size());
        if (size <= 1 || !endpoint.takesBatches()) {
            return List.of(first);
        }
        List<Delivery> batch = new ArrayList<>(size);
        batch.add(first);
        pending.fill(batch, size, System.nanoTime() + settings.batchTimeout().toNanos(), acks::flushQuietly,
                () -> stopping || turn.released);
        return batch;
    }

    /** A stream takes no message back: this consumer stops, and its replacement reads again from the message. */
    private void rewind(ReceivedMessage message) {
        stopping = true;
        dropPending();
        String stream = message.queue();
        Object offset = message.header("x-stream-offset");
        context.streamPositions().readAgain(stream, offset);
        host.consumerLost(this, "a delivery of stream '" + stream + "' at offset " + offset + " did not run "
                + "(a stream takes nothing back), so a new consumer reads the stream again from offset "
                + context.streamPositions().resumeAt(stream));
    }

    /** Stops taking deliveries from the broker; those queued here are dropped, and requeued with the channel. */
    void cancel() {
        stopping = true;
        dropPending();
        acks.flushQuietly();
        subscriptions.cancel();
    }

    /**
     * At undeploy: as {@link #cancel()}, but the cancels are sent without waiting for the broker's
     * cancel-ok. A broker that stopped answering held each for {@code channelRpcTimeoutMillis}, one
     * queue and one consumer after another, and the undeploy with them. Only for a channel that is
     * not closed on its own afterwards but with its connection: a channel close waiting meanwhile
     * would take the late cancel-ok for its close-ok (the client matches no answer to a close).
     * A cancel-ok that comes while no call waits is dropped by the client.
     */
    void cancelWithoutWaiting() {
        stopping = true;
        dropPending();
        flushAcks();
        subscriptions.cancelWithoutWaiting();
    }

    /**
     * Sends the acks held back, before the channel or its connection closes; not while a change of
     * prefetch holds them back for a cancel that a broker that stopped answering may never confirm
     * (the undeploy would wait for it): then they are left to the connection's close, which ends that wait.
     */
    void flushAcks() {
        if (!subscriptions.holdingSettlements()) {
            acks.flushQuietly();
        }
    }

    /** Waits until the delivery under way, if any, has finished; past the deadline it is left running. */
    synchronized void awaitIdle(long deadlineNanos) {
        try {
            while (scheduled.get()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    LOG.warning(() -> "A delivery of " + context.description() + " was still running after "
                            + context.settings().shutdownTimeout().toMillis() + " ms (shutdownTimeoutMillis); its "
                            + "message is requeued and may be delivered again");
                    return;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Closes the channel (requeuing what it held unacked) and releases the endpoint, at once or,
     * when a delivery is under way, as soon as it ends.
     */
    void close() {
        stopping = true;
        dropPending();
        acks.flushQuietly();
        synchronized (this) {
            if (closed) {
                return; // a stop and the Work that was starting this consumer may both close it
            }
        }
        try {
            // a connection being closed takes its channels with it: its thread may not have told them yet
            if (channel.isOpen() && channel.getConnection().isOpen()) {
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
