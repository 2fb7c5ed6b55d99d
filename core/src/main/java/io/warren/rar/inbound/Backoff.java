package io.warren.rar.inbound;

import java.time.Duration;

/**
 * Waits that double from a first one up to a cap: the first retry after {@code first}, then
 * {@code 2 × first}, {@code 4 × first} ... never more than {@code max}. Immutable.
 */
record Backoff(Duration first, Duration max) {

    Backoff {
        if (first.isNegative() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("a backoff needs 0 <= first <= max: " + first + ", " + max);
        }
    }

    /** @return how long to wait before retry number {@code retry} (1 for the first retry) */
    long millis(int retry) {
        long wait = first.toMillis();
        for (int i = 1; i < retry && wait < max.toMillis(); i++) {
            wait *= 2;
        }
        return Math.min(wait, max.toMillis());
    }
}
