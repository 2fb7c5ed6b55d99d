package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.FreezingProxy;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker that cannot be reached (the proxy before it accepts and forwards nothing, so each
 * attempt waits its handshake timeout): requests fail at once between attempts instead of each
 * trying again.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class OutageTest {

    private final FreezingProxy proxy = new FreezingProxy();
    private Harness harness;

    @AfterEach
    void cleanUp() {
        proxy.close();
        if (harness != null) {
            harness.close();
        }
    }

    private Harness harness(int connectRetryMillis) {
        harness = new Harness(4, managed -> {
            managed.setPort(proxy.port());
            managed.setConnectionTimeoutMillis(500);
            managed.setConnectRetryMillis(connectRetryMillis);
        });
        return harness;
    }

    private static WarrenException failedRequest(Harness harness) {
        return assertThrows(WarrenException.class, () -> {
            try (Connection connection = harness.factory().getConnection()) {
                connection.checkExists("never reached");
            }
        });
    }

    @Test
    void duringAnOutageOnlyOneRequestTriesAndTheOthersFailAtOnceSayingSinceWhenAndWhy() {
        Harness down = harness(600_000);
        proxy.freeze();
        failedRequest(down);
        assertEquals(1, proxy.accepted());
        for (int i = 0; i < 5; i++) {
            WarrenException error = failedRequest(down);
            assertTrue(error.getMessage().contains("unreachable since"), error.getMessage());
            assertTrue(error.getMessage().contains("last cause"), error.getMessage());
            assertTrue(error.getMessage().contains("connectRetryMillis"), error.getMessage());
        }
        assertEquals(1, proxy.accepted(), "no further connection attempt before the retry is due");
    }

    @Test
    void theNextAttemptAfterTheRetryIntervalConnects() {
        Harness down = harness(200);
        proxy.freeze();
        failedRequest(down);
        proxy.thaw();
        Broker.await("a connection once the retry is due", Duration.ofSeconds(30), () -> {
            try (Connection connection = down.factory().getConnection()) {
                return connection != null;
            } catch (WarrenException stillDown) {
                return false;
            }
        });
    }
}
