package io.warren.bench.wildfly.app;

import io.warren.ConnectionFactory;
import io.warren.Producer;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * An EJB publishing for a while through the container's pool, as the bench's harness contender
 * does. Not transacted: a transaction around a loop of thousands of publishes would be one
 * tx.commit, measuring something no application does.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Publisher {

    @Resource(lookup = "java:/warren/ConnectionFactory")
    private ConnectionFactory factory;

    @Inject
    private Deliveries deliveries;

    /** How far the soak's publishers may run ahead of the MDB, between them. */
    private static final long SOAK_AHEAD = 20_000;

    /**
     * @param max messages at most
     * @return messages published (and confirmed, with confirms), nanoseconds taken, and
     *     {@link System#nanoTime()} at the start (the bench on the same machine reads the same clock)
     */
    public long[] publish(String queue, int size, double seconds, long max, boolean confirms) throws InterruptedException {
        Producer producer = factory.producer(Producer.to("").routingKey(queue).build());
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long sent = confirms ? PublishLoops.confirmed(producer, body, deadline, max)
                : PublishLoops.plain(producer, body, deadline, max);
        return new long[] {sent, System.nanoTime() - start, start};
    }

    /**
     * The heap soak's publisher: 1 KiB messages until {@code max} or the time is up, pausing while
     * the publishers are more than {@value #SOAK_AHEAD} messages ahead of the MDB.
     *
     * @return messages published
     */
    public long soak(String queue, double seconds, long max) {
        Producer producer = factory.producer(Producer.to("").routingKey(queue).build());
        byte[] body = new byte[1024];
        Arrays.fill(body, (byte) 'x');
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long sent = 0;
        while (sent < max && System.nanoTime() < deadline) {
            if (deliveries.ahead() > SOAK_AHEAD) {
                LockSupport.parkNanos(200_000);
                continue;
            }
            producer.publish(io.warren.OutgoingMessage.of(body).persistent(false).build());
            deliveries.published();
            sent++;
        }
        return sent;
    }
}
