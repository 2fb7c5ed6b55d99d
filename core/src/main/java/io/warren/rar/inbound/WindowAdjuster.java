package io.warren.rar.inbound;

import com.rabbitmq.client.Channel;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps one consumer's window (its per-consumer prefetch) where the activation's {@link BodyBudget}
 * wants it: looked at after each delivery taken and each delivery run, and changed by a Work of its
 * own ({@link Subscriptions#resize}), never on the client's thread, which must not wait for the
 * broker and whose waiting would not hold back its reader anyway. One resize at a time; none before
 * the consumer has consumed every queue, none once it is stopping, none on a single-active-consumer
 * queue (a cancel there would hand the queue to another server's consumer).
 */
final class WindowAdjuster {

    private static final Logger LOG = Logger.getLogger(WindowAdjuster.class.getName());
    /** How long after a resize that was not the moment the next is tried. */
    private static final long RETRY_MILLIS = 500;

    private final DeliveryContext context;
    private final Subscriptions subscriptions;
    private final Channel channel;
    private final BooleanSupplier stopping;
    /** Has the consumer replaced, with the reason: a resize that failed part way may have left a queue unconsumed. */
    private final Consumer<String> lost;
    private final BodyBudget budget;
    /** Looks again after a wait: with every delivery held and none running, no other call of check would come. */
    private final Later later;
    private final boolean adjustable;
    /** A resize Work is asked for or runs. */
    private final AtomicBoolean resizing = new AtomicBoolean();
    private volatile boolean started;
    /** Before this {@link System#nanoTime()}, no resize is tried: the last one found it was not the moment. */
    private volatile long notBefore;

    WindowAdjuster(DeliveryContext context, Subscriptions subscriptions, Channel channel, BooleanSupplier stopping,
                   Consumer<String> lost, Later later) {
        this.context = context;
        this.later = later;
        this.lost = lost;
        this.subscriptions = subscriptions;
        this.channel = channel;
        this.stopping = stopping;
        this.budget = context.budget();
        this.adjustable = context.settings().windowsAdjustable();
        this.notBefore = System.nanoTime();
    }

    /** Every queue is consumed: from now on the window may change. */
    void start() {
        started = true;
        check();
    }

    /** Asks for a resize Work when the budget wants another window than this consumer's. */
    void check() {
        if (!adjustable || !started || stopping.getAsBoolean() || !channel.isOpen() || System.nanoTime() - notBefore < 0) {
            return;
        }
        int window = subscriptions.window();
        if (budget.windowFor(window) == window || !resizing.compareAndSet(false, true)) {
            return;
        }
        try {
            context.workManager().scheduleWork(new Resize());
        } catch (WorkException | RuntimeException e) {
            resizing.set(false); // asked again with the next delivery taken or run, or after a wait
            LOG.log(Level.FINE, "The WorkManager refused a Work to change the prefetch of a consumer of "
                    + context.description(), e);
            checkLater();
        }
    }

    /**
     * Deliveries taken and run are what call {@link #check}: when every window is full of deliveries
     * that wait (an MDB that blocks), none comes, so a resize put off must be looked at again by itself.
     */
    private void checkLater() {
        // a little past notBefore: a timer that fires early would find it not yet the moment, and stop
        later.run(RETRY_MILLIS + 20, this::check);
    }

    private final class Resize implements Work {
        @Override
        public void run() {
            resize();
        }

        @Override
        public void release() {
            // a resize is a few round trips to the broker: it ends by itself
        }
    }

    private void resize() {
        boolean failed = false;
        try {
            int from = subscriptions.window();
            int to = budget.windowFor(from);
            if (to != from && !stopping.getAsBoolean()) {
                if (!subscriptions.resize(to, stopping)) {
                    // a quorum queue's window did not fill: deliveries may be on their way, try again later
                    notBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
                    checkLater();
                    return;
                }
                budget.resized(from, to);
                LOG.log(to < from && budget.firstThrottle() ? Level.INFO : Level.FINE, () -> "The consumers of "
                        + context.description() + " hold " + context.metrics().getHeldBytes() + " bytes of message "
                        + "bodies (maxHeldBytes " + budget.maxHeld() + "): a consumer consumes again with prefetch " + to
                        + " instead of " + from + " (only the first narrowing of an activation is logged at INFO)");
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            notBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
            checkLater();
            LOG.log(Level.FINE, "Changing the prefetch of a consumer of " + context.description() + " failed", e);
            if (channel.isOpen() && !stopping.getAsBoolean()) {
                // a closed channel's listener has it replaced; an open one may have a queue cancelled and not consumed again
                lost.accept("changing its prefetch failed (" + e + ")");
            }
        } finally {
            resizing.set(false);
        }
        if (!failed) {
            check(); // what came meanwhile may want another window still
        }
    }
}
