package io.warren.rar.inbound;

import io.warren.DeclarationException;
import io.warren.container.TestWorkManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the reconnector says while it cannot connect: no broker is involved, the attempts are scripted. */
class ReconnectorWarningTest {

    private final Logger logger = Logger.getLogger(Reconnector.class.getName());
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final TestWorkManager workManager = new TestWorkManager();

    @AfterEach
    void cleanUp() {
        logger.removeHandler(handler);
        workManager.shutdown();
    }

    /** A refused declaration, then two failures to connect, then success. */
    private static final class Scripted implements Reconnector.Target {
        final AtomicInteger attempts = new AtomicInteger();
        final CountDownLatch done = new CountDownLatch(1);

        @Override
        public void converge(int failuresBefore) throws IOException {
            switch (attempts.incrementAndGet()) {
                case 1 -> throw new DeclarationException("refused", "queue 'q'", null, null);
                case 2, 3 -> throw new IOException("Connection refused");
                default -> done.countDown();
            }
        }

        @Override
        public boolean isStopped() {
            return false;
        }

        @Override
        public boolean pause(long millis) {
            return true;
        }

        @Override
        public boolean failsDeployment(DeclarationException refusal) {
            return false;
        }

        @Override
        public void firstAttemptFailed() {
        }
    }

    @Test
    void theFirstFailureToConnectAfterARefusedDeclarationIsReportedAsTheFirst() throws Exception {
        logger.addHandler(handler);
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue("q");
        spec.setReconnectIntervalMillis("1");
        spec.setMaxReconnectIntervalMillis("1");
        Scripted target = new Scripted();
        Reconnector reconnector = new Reconnector(target, workManager, (delay, task) -> task.run(),
                spec.inboundSettings(), "the MDB M on queue 'q'", "127.0.0.1:5672", "/");

        reconnector.request();

        assertTrue(target.done.await(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS), "attempts: "
                + target.attempts.get());
        List<String> connecting = warnings.stream().filter(text -> text.contains("connect")).toList();
        assertEquals(1, connecting.size(), connecting.toString());
        // before: the refusal took failure number 1, so the first failure to connect was taken for a later one
        // and said "Still cannot connect ... after 2 attempts in <seconds since the clock's origin> s"
        assertTrue(connecting.get(0).startsWith("Cannot connect the MDB M on queue 'q' to the broker at 127.0.0.1:5672"),
                connecting.get(0));
    }
}
