package io.warren;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How often and how patiently a producer publishes a message again after a connection or channel
 * failure, a nack or a missing confirm: kombu's {@code retry_policy} ({@code max_retries},
 * {@code interval_start}, {@code interval_step}, {@code interval_max}). The wait before the n-th
 * retry is {@code intervalStart + (n - 1) * intervalStep}, never more than {@code intervalMax}.
 * Immutable.
 *
 * <pre>{@code
 * Producer orders = factory.producer(Producer.to("orders")
 *         .retry(RetryPolicy.builder().maxRetries(5).intervalStep(Duration.ofMillis(500)).build())
 *         .build());
 * }</pre>
 *
 * <p>A caller waits at most {@link #maxWait()} between tries, plus each try's own bound (the
 * confirm timeout, and the pool's wait for a channel): retries run on the caller's thread and
 * never beyond the policy.
 */
public final class RetryPolicy {

    /**
     * Celery's default {@code task_publish_retry_policy}: 3 retries, the first at once, then 0.2 s
     * more for each, at most 1 s apart (at most 0.6 s of waiting in all).
     */
    public static final RetryPolicy DEFAULT = builder().build();

    private final int maxRetries;
    private final Duration intervalStart;
    private final Duration intervalStep;
    private final Duration intervalMax;

    private RetryPolicy(Builder builder) {
        this.maxRetries = builder.maxRetries;
        this.intervalStart = builder.intervalStart;
        this.intervalStep = builder.intervalStep;
        this.intervalMax = builder.intervalMax;
    }

    /** @return a builder starting from {@link #DEFAULT}'s values */
    public static Builder builder() {
        return new Builder();
    }

    /** @return how many times a failed publish is tried again; the first try is not a retry */
    public int maxRetries() {
        return maxRetries;
    }

    /** @return the wait before the first retry */
    public Duration intervalStart() {
        return intervalStart;
    }

    /** @return how much longer each further retry waits than the one before */
    public Duration intervalStep() {
        return intervalStep;
    }

    /** @return the longest wait between two tries */
    public Duration intervalMax() {
        return intervalMax;
    }

    /**
     * @param retry which retry, from 1 to {@link #maxRetries()}
     * @return how long to wait before it
     */
    public Duration interval(int retry) {
        if (retry < 1 || retry > maxRetries) {
            throw new IllegalArgumentException("retry must be between 1 and maxRetries (" + maxRetries + "): " + retry);
        }
        Duration wait = intervalStart.plus(intervalStep.multipliedBy(retry - 1L));
        return wait.compareTo(intervalMax) > 0 ? intervalMax : wait;
    }

    /** @return the waits between tries added up: the longest a caller waits besides the tries themselves */
    public Duration maxWait() {
        Duration total = Duration.ZERO;
        for (int retry = 1; retry <= maxRetries; retry++) {
            total = total.plus(interval(retry));
        }
        return total;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RetryPolicy that && maxRetries == that.maxRetries
                && intervalStart.equals(that.intervalStart) && intervalStep.equals(that.intervalStep)
                && intervalMax.equals(that.intervalMax);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxRetries, intervalStart, intervalStep, intervalMax);
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxRetries=" + maxRetries + ", intervalStart=" + intervalStart + ", intervalStep="
                + intervalStep + ", intervalMax=" + intervalMax + "]";
    }

    /** Builds a {@link RetryPolicy}; every value is checked at {@link #build()}, all at once. */
    public static final class Builder {
        private int maxRetries = 3;
        private Duration intervalStart = Duration.ZERO;
        private Duration intervalStep = Duration.ofMillis(200);
        private Duration intervalMax = Duration.ofSeconds(1);

        private Builder() {
        }

        /**
         * @param maxRetries how many times a failed publish is tried again (kombu's {@code max_retries}); 0 or more
         * @return this builder
         */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * @param intervalStart the wait before the first retry (kombu's {@code interval_start}); zero or more
         * @return this builder
         */
        public Builder intervalStart(Duration intervalStart) {
            this.intervalStart = Objects.requireNonNull(intervalStart, "intervalStart");
            return this;
        }

        /**
         * @param intervalStep how much longer each retry waits than the one before (kombu's
         *     {@code interval_step}); zero or more
         * @return this builder
         */
        public Builder intervalStep(Duration intervalStep) {
            this.intervalStep = Objects.requireNonNull(intervalStep, "intervalStep");
            return this;
        }

        /**
         * @param intervalMax the longest wait between two tries (kombu's {@code interval_max});
         *     zero or more
         * @return this builder
         */
        public Builder intervalMax(Duration intervalMax) {
            this.intervalMax = Objects.requireNonNull(intervalMax, "intervalMax");
            return this;
        }

        /**
         * @return the immutable policy
         * @throws IllegalArgumentException naming every value out of range and what is valid
         */
        public RetryPolicy build() {
            List<String> problems = new ArrayList<>();
            if (maxRetries < 0) {
                problems.add("maxRetries must be 0 or more, not " + maxRetries);
            }
            check("intervalStart", intervalStart, problems);
            check("intervalStep", intervalStep, problems);
            check("intervalMax", intervalMax, problems);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid retry policy: " + String.join("; ", problems));
            }
            return new RetryPolicy(this);
        }

        private static void check(String name, Duration value, List<String> problems) {
            if (value.isNegative()) {
                problems.add(name + " must be zero or more, not " + value);
            }
        }
    }
}
