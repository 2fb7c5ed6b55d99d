package io.warren.bench.wildfly.app;

import io.warren.ConnectionFactory;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An EJB publishing for a while through the container's pool, as the bench's harness contender
 * does. Not transacted: a transaction around a loop of thousands of publishes would be one
 * tx.commit, measuring something no application does.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Publisher {

    /** As the bench's raw client: at most this many unconfirmed messages per calling thread. */
    static final int CONFIRM_WINDOW = 1000;

    @Resource(lookup = "java:/warren/ConnectionFactory")
    private ConnectionFactory factory;

    /** @return messages published (and confirmed, with confirms), and nanoseconds taken */
    public long[] publish(String queue, int size, double seconds, boolean confirms) throws InterruptedException {
        Producer producer = factory.producer(Producer.to("").routingKey(queue).build());
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long sent = 0;
        if (!confirms) {
            while ((sent & 63) != 0 || System.nanoTime() < deadline) {
                producer.publish(OutgoingMessage.of(body).persistent(false).build());
                sent++;
            }
            return new long[] {sent, System.nanoTime() - start};
        }
        Semaphore window = new Semaphore(CONFIRM_WINDOW);
        AtomicLong failed = new AtomicLong();
        while ((sent & 63) != 0 || System.nanoTime() < deadline) {
            window.acquire();
            producer.publishConfirmed(OutgoingMessage.of(body).persistent(false).build()).whenComplete((ok, error) -> {
                if (error != null) {
                    failed.incrementAndGet();
                }
                window.release();
            });
            sent++;
        }
        if (!window.tryAcquire(CONFIRM_WINDOW, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("messages never confirmed");
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " messages not confirmed");
        }
        return new long[] {sent, System.nanoTime() - start};
    }
}
