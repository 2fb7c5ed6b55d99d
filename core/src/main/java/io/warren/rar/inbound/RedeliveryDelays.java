package io.warren.rar.inbound;

import java.util.Set;
import java.util.TreeSet;

/**
 * How long a failed message waits before its next delivery: {@code first} after the first
 * failure, multiplied by {@code multiplier} after each further one, never more than {@code max}.
 * A {@code first} of 0 means no delay: the message is requeued at once. Immutable.
 */
record RedeliveryDelays(long first, double multiplier, long max) {

    static final RedeliveryDelays NONE = new RedeliveryDelays(0, 1, 0);

    /** @return whether failed messages wait in a retry queue rather than go back at once */
    boolean enabled() {
        return first > 0;
    }

    /** @return the wait, in milliseconds, after the {@code failures}-th failed delivery (1 for the first) */
    long afterFailure(int failures) {
        double delay = first;
        for (int i = 1; i < failures && delay < max; i++) {
            delay *= multiplier;
        }
        return Math.min(Math.round(delay), max);
    }

    /**
     * @return every wait a message can meet before it is dead-lettered at its
     *         {@code maxDeliveries}-th failure: one retry queue each
     */
    Set<Long> all(int maxDeliveries) {
        Set<Long> delays = new TreeSet<>();
        for (int failures = 1; failures < maxDeliveries; failures++) {
            long delay = afterFailure(failures);
            if (!delays.add(delay) && delay == max) {
                break; // capped: every later one is the same
            }
        }
        return delays;
    }
}
