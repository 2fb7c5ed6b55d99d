package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import io.warren.container.TestTransactions;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Once its copy is confirmed in the parking queue (or a retry queue), the original's ack is sent at
 * once, never held back with coalesced acks: until it goes, the original holds a prefetch slot and
 * is delivered again, a duplicate copy, if the connection is lost.
 *
 * <p>Seen where the coalescer's watch does not run: the reaper rolls the transaction back while the
 * MDB still runs, so the copy is sent on the reaper's thread, and before the fix its original's ack
 * waited until the MDB returned.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class SettledCopyAckTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Far longer than the coalescer's delay (2 ms) and a rabbitmqctl round trip. */
    private static final Duration PROMPTLY = Duration.ofSeconds(8);
    /** Long enough that the copy is still in its retry queue when the test ends: it is deleted with it. */
    private static final long RETRY_DELAY_MILLIS = 60_000;

    private final Broker broker = new Broker();
    private final String queue = broker.queueName("settled-copy-ack");
    private Harness harness;

    @AfterEach
    void cleanUp() {
        if (harness != null) {
            harness.close();
        }
        broker.close();
    }

    private WarrenActivationSpec spec(String copy) {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setPrefetch("10");
        spec.setAckEvery("5"); // coalescing: up to 5 acks held back
        if (copy.equals("dead letter")) {
            spec.setMaxDeliveries("1");
            broker.cleanUpQueue(queue + ".dead-letters");
        } else {
            spec.setMaxDeliveries("2");
            spec.setRedeliveryDelayMillis(String.valueOf(RETRY_DELAY_MILLIS));
            broker.cleanUpQueue(retryQueue());
        }
        return spec;
    }

    private String retryQueue() {
        return Redeliveries.retryQueue(queue, RETRY_DELAY_MILLIS);
    }

    private long count(String name) {
        try {
            return broker.messageCount(name);
        } catch (IllegalStateException notDeclaredYet) {
            return 0;
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"registry, dead letter", "xa, dead letter", "registry, retry copy"})
    void theOriginalOfACopyIsAckedAtOnceNotHeldWithCoalescedAcks(String kind, String copy) throws Exception {
        harness = kind.equals("xa") ? Harness.withoutTransactionRegistry(2) : new Harness(2);
        CompletableFuture<TestTransactions.TestTransaction> timingOut = new CompletableFuture<>();
        CountDownLatch mdbMayReturn = new CountDownLatch(1);
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory[] holder = new TestEndpointFactory[1];
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            deliveries.incrementAndGet();
            timingOut.complete(holder[0].transactions().current());
            try {
                mdbMayReturn.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        holder[0] = mdb;
        try (Harness.Deployment deployment = harness.deploy(spec(copy), mdb)) {
            broker.publish(queue, new AMQP.BasicProperties(), "slow".getBytes(StandardCharsets.UTF_8));
            TestTransactions.TestTransaction transaction = timingOut.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            try {
                // as the reaper: the copy is sent and confirmed on this thread before rollBack returns
                assertTrue(transaction.rollBack());
                String copies = copy.equals("dead letter") ? queue + ".dead-letters" : retryQueue();
                Broker.await("the copy in " + copies, WAIT, () -> count(copies) == 1);
                Broker.await("the original acked while the MDB still runs", PROMPTLY,
                        () -> Broker.unacknowledged(queue) == 0,
                        () -> Broker.unacknowledged(queue) + " unacked in " + queue);
                assertEquals(1, deliveries.get(), "the MDB is still in its first delivery");
            } finally {
                mdbMayReturn.countDown();
            }
            Broker.await("nothing left", WAIT, () -> count(queue) == 0 && Broker.unacknowledged(queue) == 0);
        }
    }
}
