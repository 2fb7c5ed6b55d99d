package io.warren.rar.inbound;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The deliveries a consumer's client thread has queued for its Work, in the broker's order, and
 * the Work's bounded wait for more while it fills a batch.
 *
 * <p>Threading: {@link #add} on the client's thread, {@link #wake} from any; the rest on the
 * consumer's Work, one at a time. A delivery added while the Work waits wakes it: the flag is set
 * before the queue is looked at, under the lock the adder notifies with, so no wake-up is lost.
 */
final class Arrivals {

    private final ConcurrentLinkedQueue<Delivery> queue = new ConcurrentLinkedQueue<>();
    private final Object signal = new Object();
    private volatile boolean waiting;

    void add(Delivery delivery) {
        queue.add(delivery);
        if (waiting) {
            wake();
        }
    }

    Delivery poll() {
        return queue.poll();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int size() {
        return queue.size();
    }

    /** Ends a wait at once: the consumer stops, or the container wants its thread back. */
    void wake() {
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    /**
     * Adds to the batch what is waiting, then what arrives until the deadline, up to its size.
     *
     * @param beforeWait runs once before the first wait (to send acks held back, which would keep the
     *     broker from sending the rest of the batch within the prefetch)
     * @param stop whether to end the wait and deliver the batch as it is
     */
    void fill(List<Delivery> batch, int size, long deadlineNanos, Runnable beforeWait, BooleanSupplier stop) {
        boolean waited = false;
        while (batch.size() < size) {
            Delivery next = queue.poll();
            if (next != null) {
                batch.add(next);
                continue;
            }
            if (!waited) {
                waited = true;
                beforeWait.run();
            }
            if (!awaitMore(deadlineNanos, stop)) {
                return;
            }
        }
    }

    /** @return whether a delivery is waiting, false when the deadline passed or the wait was stopped */
    private boolean awaitMore(long deadlineNanos, BooleanSupplier stop) {
        synchronized (signal) {
            waiting = true;
            try {
                while (queue.isEmpty()) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0 || stop.getAsBoolean()) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(signal, left);
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                waiting = false;
            }
        }
    }
}
