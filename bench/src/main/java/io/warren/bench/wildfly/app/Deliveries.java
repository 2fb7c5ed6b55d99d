package io.warren.bench.wildfly.app;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the MDB received since this deployment: how many, and when the first and the last came. A
 * CDI bean, not an EJB: counting through an EJB would add an EJB invocation per message inside the
 * MDB's, which cost Payara a third of its delivery threads (docs/performance.md) and is no part of
 * what the bench measures.
 */
@ApplicationScoped
public class Deliveries {

    private final AtomicLong count = new AtomicLong();
    private final AtomicLong published = new AtomicLong();
    private volatile long first;
    private volatile long last;

    public void hit() {
        long now = System.nanoTime();
        if (count.getAndIncrement() == 0) {
            first = now;
        }
        last = now;
    }

    /** One more message published by the heap soak. */
    public void published() {
        published.incrementAndGet();
    }

    /** @return how many messages the soak published that the MDB has not received yet */
    public long ahead() {
        return published.get() - count.get();
    }

    /** @return count, nanoseconds from the first delivery to the last */
    public long[] seen() {
        long seen = count.get();
        return new long[] {seen, seen == 0 ? 0 : last - first};
    }
}
