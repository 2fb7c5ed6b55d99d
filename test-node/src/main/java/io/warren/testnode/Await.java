package io.warren.testnode;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The tests' bounded wait: a condition asked again until it holds or the time is up. */
public final class Await {

    private static final long POLL_MILLIS = 20;
    private static final long SLOW_POLL_MILLIS = 250;
    private static final long SLOW_ANSWER_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private Await() {
    }

    /**
     * Waits until the condition holds, failing after the timeout with what the state then was. A
     * condition that took long to answer ran rabbitmqctl (about a second of CPU for each call, on
     * two cores shared by the whole suite): it is asked again only after a longer pause.
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long asked = System.nanoTime();
            if (condition.getAsBoolean()) {
                return;
            }
            long answered = System.nanoTime();
            if (answered > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what + " " + state.get());
            }
            try {
                // polling interval of a bounded wait, not synchronisation
                Thread.sleep(answered - asked > SLOW_ANSWER_NANOS ? SLOW_POLL_MILLIS : POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for " + what);
            }
        }
    }

    /** Waits until the condition holds, failing after the timeout. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        until(what, timeout, condition, () -> "");
    }
}
