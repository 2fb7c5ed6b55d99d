package io.warren.rar.inbound;

import io.warren.rar.metrics.ActivationMetrics;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many bytes of message bodies one activation may hold ({@code maxHeldBytes}), and the window
 * (per-consumer prefetch) each of its consumers should consume with to stay within it. A body is
 * held from the moment the client hands it to a consumer until its delivery has run (or it is
 * dropped with its channel).
 *
 * <p>The broker sends what a window allows, however large, and RabbitMQ has no byte-sized prefetch,
 * so the budget is kept by the windows alone: when the bodies held exceed it, a consumer whose window
 * is wider than what fits narrows it (to at least 1, so that one body of any size still flows);
 * once they are at most half of it, a consumer whose window is narrower than what fits widens it
 * again (when that is half as wide again, or the full {@code prefetch}). What fits is the budget divided among every consumer's window of
 * every queue, by a typical body: one that grows at once with a larger body and shrinks slowly (by
 * an eighth of the difference per body) with smaller ones, so that the windows err on the side of
 * memory. Thread-safe: consumers call it from the client's threads and their Works.
 */
final class BodyBudget {

    private final long maxHeld;
    private final int prefetch;
    /** Every consumer of every queue: the budget is divided among their windows. */
    private final int subscriptions;
    private final ActivationMetrics metrics;
    private final AtomicBoolean throttledBefore = new AtomicBoolean();
    /** A typical body, in bytes; -1 until the first. */
    private long typicalBody = -1;

    BodyBudget(InboundSettings settings, ActivationMetrics metrics) {
        this.maxHeld = settings.maxHeldBytes();
        this.prefetch = settings.prefetch();
        this.subscriptions = settings.concurrency() * settings.queues().size();
        this.metrics = metrics;
    }

    /** A body was handed to a consumer; held until {@link #release}. */
    void hold(int bytes) {
        metrics.held(bytes);
        synchronized (this) {
            typicalBody = typicalBody < 0 || bytes > typicalBody ? bytes : typicalBody + (bytes - typicalBody) / 8;
        }
    }

    /** The delivery of a body held has run, or was dropped. */
    void release(int bytes) {
        metrics.held(-bytes);
    }

    /** @return the window a new consumer starts with: {@code prefetch} until a body has been seen */
    int startWindow() {
        return typical() < 0 ? prefetch : fit();
    }

    /**
     * @param window the consumer's window now
     * @return the window it should have now: narrower when the bodies held are over budget and a
     *     narrower one fits, wider when they are at most half of it and a wider one fits, else the same
     */
    int windowFor(int window) {
        if (typical() < 0) {
            return window;
        }
        long held = metrics.getHeldBytes();
        int fit = fit();
        if (held > maxHeld && fit < window) {
            return fit;
        }
        // widened by at least half again, or to the full prefetch: not one consume after another as sizes drift
        if (held <= maxHeld / 2 && fit > window && (fit >= window + (window + 1) / 2 || fit == prefetch)) {
            return fit;
        }
        return window;
    }

    /** A consumer changed its window. */
    void resized(int from, int to) {
        if (to < from) {
            metrics.throttled();
        }
    }

    /** @return the widest window, from 1 to {@code prefetch}, with which every consumer's bodies fit in the budget */
    private int fit() {
        long perWindow = maxHeld / subscriptions / Math.max(1, typical());
        return (int) Math.max(1, Math.min(prefetch, perWindow));
    }

    private synchronized long typical() {
        return typicalBody;
    }

    /** @return true the first time it is asked: the first narrowing of the activation is worth a line at INFO */
    boolean firstThrottle() {
        return throttledBefore.compareAndSet(false, true);
    }

    /** @return the budget, in bytes */
    long maxHeld() {
        return maxHeld;
    }
}
