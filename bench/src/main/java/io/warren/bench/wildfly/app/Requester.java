package io.warren.bench.wildfly.app;

import io.warren.ConnectionFactory;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import java.time.Duration;
import java.util.Arrays;

/**
 * An EJB asking, one request after another for a while, through the server's connection factory,
 * as {@code io.warren.bench.RequestReply} asks from the harness. Outside a transaction, as a bean
 * that asks must be (docs/rpc.md).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Requester {

    @Resource(lookup = "java:/warren/ConnectionFactory")
    private ConnectionFactory factory;

    /**
     * @return requests answered, nanoseconds taken, {@link System#nanoTime()} at the start, then
     *     each request's round trip in nanoseconds
     */
    public long[] ask(String queue, int size, double seconds) {
        Producer producer = factory.producer(Producer.to("").routingKey(queue).serializer("raw").build());
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        OutgoingMessage request = OutgoingMessage.of(body).contentType("application/octet-stream").build();
        Duration timeout = Duration.ofSeconds(30);
        long[] outcome = new long[1024];
        int n = 3;
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long now = start;
        while (now < deadline) {
            producer.request(request, timeout);
            long answered = System.nanoTime();
            if (n == outcome.length) {
                outcome = Arrays.copyOf(outcome, n * 2);
            }
            outcome[n++] = answered - now;
            now = answered;
        }
        outcome[0] = n - 3;
        outcome[1] = now - start;
        outcome[2] = start;
        return Arrays.copyOf(outcome, n);
    }
}
