package io.warren.rar.inbound;

import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a consumer's held acks once the oldest is {@code maxDelayNanos} old, whatever the
 * deliveries meanwhile take: a Work on the container's WorkManager that runs only while acks are
 * held (no thread of Warren's own), started by {@link #watch()}.
 */
final class HeldAckWatch {

    private static final Logger LOG = Logger.getLogger(HeldAckWatch.class.getName());

    private final AckCoalescer acks;
    private final long maxDelayNanos;
    private final WorkManager workManager;
    private final BooleanSupplier stopping;
    private final AtomicBoolean watching = new AtomicBoolean();

    HeldAckWatch(AckCoalescer acks, long maxDelayNanos, WorkManager workManager, BooleanSupplier stopping) {
        this.acks = acks;
        this.maxDelayNanos = maxDelayNanos;
        this.workManager = workManager;
        this.stopping = stopping;
    }

    /** Makes sure that the acks held now are sent within the delay. */
    void watch() {
        if (watching.get() || !watching.compareAndSet(false, true)) {
            return;
        }
        try {
            workManager.scheduleWork(new Watch());
        } catch (WorkException e) {
            watching.set(false);
            LOG.log(Level.FINE, "The WorkManager refused the Work that sends held acks; sending them now", e);
            acks.flushQuietly();
        }
    }

    /** A new instance each time: a WorkManager may ignore a Work instance it still runs; release() ends only this one. */
    private final class Watch implements Work {
        private volatile boolean released;

        @Override
        public void run() {
            while (true) {
                long oldest = acks.oldestHeldNanos();
                if (oldest == 0 || released || stopping.getAsBoolean()) {
                    if (oldest != 0) {
                        acks.flushQuietly(); // asked to end early: what is held goes now rather than wait unwatched
                    }
                    watching.set(false);
                    // held again since the look above, and nobody else watching: go on watching
                    if (!released && !stopping.getAsBoolean() && acks.isHolding() && watching.compareAndSet(false, true)) {
                        continue;
                    }
                    return;
                }
                long wait = oldest + maxDelayNanos - System.nanoTime();
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
}
