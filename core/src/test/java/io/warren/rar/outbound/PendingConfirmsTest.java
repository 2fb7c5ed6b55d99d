package io.warren.rar.outbound;

import io.warren.PublishException;
import io.warren.rar.harness.Broker;
import io.warren.rar.metrics.FactoryMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bookkeeping of confirms, without a broker: acks as the client delivers them, and timeouts. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class PendingConfirmsTest {

    private final Completions completions = new Completions("warren-test-completions");
    private final FactoryMetrics metrics = new FactoryMetrics("warren-test", null);
    private final PendingConfirms pending = new PendingConfirms(completions, metrics);

    @AfterEach
    void stop() {
        completions.close();
    }

    private CompletableFuture<Void> expect(long key, Duration timeout) {
        return pending.expect(key, "orders", "eu", timeout, false, false);
    }

    private static Throwable failure(CompletableFuture<Void> future) {
        ExecutionException error = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        return error.getCause();
    }

    @Test
    void aMultipleAckConfirmsEverythingUpToItsTagAndANackFailsOnlyItsOwn() throws Exception {
        CompletableFuture<Void> first = expect(1, Duration.ofMinutes(1));
        CompletableFuture<Void> second = expect(2, Duration.ofMinutes(1));
        CompletableFuture<Void> third = expect(3, Duration.ofMinutes(1));
        CompletableFuture<Void> fourth = expect(4, Duration.ofMinutes(1));
        pending.handleAck(2, true);
        pending.handleNack(4, false);
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        assertTrue(failure(fourth).getMessage().contains("nacked a message to exchange 'orders'"));
        assertFalse(third.isDone());
        assertEquals(2, metrics.getConfirms(), "a multiple ack counts every message it confirms");
        assertEquals(2, metrics.getConfirmLatencyCount());
        assertEquals(1, metrics.getNacks());
    }

    @Test
    void aMessageWithoutConfirmFailsAfterItsTimeoutEvenBehindALongerOne() {
        CompletableFuture<Void> patient = expect(1, Duration.ofMinutes(1));
        CompletableFuture<Void> hurried = expect(2, Duration.ofMillis(200));
        Throwable error = failure(hurried);
        assertInstanceOf(PublishException.class, error);
        assertTrue(error.getMessage().contains("No confirm from the broker within PT0.2S"), error.getMessage());
        assertFalse(patient.isDone());
        assertEquals(1, metrics.getConfirmTimeouts());
    }
}
