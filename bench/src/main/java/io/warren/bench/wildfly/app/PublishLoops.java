package io.warren.bench.wildfly.app;

import io.warren.OutgoingMessage;
import io.warren.Producer;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The publishing loops of Warren's contenders, in the harness and in WildFly alike, so that both
 * measure the same loop. Here because the WildFly application is built from this package alone.
 */
public final class PublishLoops {

    /** As the bench's raw client: at most this many unconfirmed messages per publishing thread. */
    public static final int CONFIRM_WINDOW = 1000;

    private PublishLoops() {
    }

    /**
     * Whether a publishing loop goes on: until the deadline ({@link System#nanoTime()}) in
     * multiples of 64 (the clock is read once per 64 messages' worth of decisions at most), and
     * never beyond {@code max}. Every contender's loop asks this, so that all stop alike.
     */
    public static boolean goOn(long sent, long deadline, long max) {
        return sent < max && ((sent & 63) != 0 || System.nanoTime() < deadline);
    }

    /** Publishes transient messages until the deadline or {@code max} of them ({@link #goOn}). */
    public static long plain(Producer producer, byte[] body, long deadline, long max) {
        long sent = 0;
        while (goOn(sent, deadline, max)) {
            producer.publish(OutgoingMessage.of(body).persistent(false).build());
            sent++;
        }
        return sent;
    }

    /**
     * As the raw client does: asynchronous confirms, at most {@link #CONFIRM_WINDOW} unconfirmed;
     * returns once every message is confirmed, and fails if any is not.
     */
    public static long confirmed(Producer producer, byte[] body, long deadline, long max) throws InterruptedException {
        Semaphore window = new Semaphore(CONFIRM_WINDOW);
        AtomicLong failed = new AtomicLong();
        long sent = 0;
        while (goOn(sent, deadline, max)) {
            window.acquire();
            producer.publishConfirmed(OutgoingMessage.of(body).persistent(false).build()).whenComplete((ok, error) -> {
                if (error != null) {
                    failed.incrementAndGet();
                }
                window.release();
            });
            sent++;
        }
        if (!window.tryAcquire(CONFIRM_WINDOW, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException((CONFIRM_WINDOW - window.availablePermits()) + " messages never confirmed");
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " messages not confirmed");
        }
        return sent;
    }
}
