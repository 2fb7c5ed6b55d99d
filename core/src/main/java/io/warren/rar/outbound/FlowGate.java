package io.warren.rar.outbound;

import io.warren.rar.config.FlowControl;

import java.time.Duration;

/**
 * The broker's flow control as a managed connection meets it: a connection the broker blocks (a
 * memory or disk alarm) is read by it no more, so what would wait for the broker's answer, a
 * publish or a commit, waits for the unblock instead, at most publishBlockedTimeoutMillis.
 */
final class FlowGate {

    private final FlowControl flowControl;
    private final Duration publishBlockedTimeout;

    FlowGate(FlowControl flowControl, Duration publishBlockedTimeout) {
        this.flowControl = flowControl;
        this.publishBlockedTimeout = publishBlockedTimeout;
    }

    /**
     * @return null once the broker reads this connection, waiting at most publishBlockedTimeoutMillis;
     *     otherwise why it does not
     */
    String refusal() {
        String refusal = flowControl.awaitUnblocked(publishBlockedTimeout);
        return refusal == null ? null : refusal + " (publishBlockedTimeoutMillis)";
    }

    /** @return whether the broker blocks this connection now, and so reads nothing sent on it */
    boolean blocked() {
        return flowControl.blocked();
    }
}
