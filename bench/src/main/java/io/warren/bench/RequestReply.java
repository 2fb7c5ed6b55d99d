package io.warren.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.RpcClient;
import com.rabbitmq.client.RpcClientParams;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.rar.harness.Harness;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Request and reply over direct reply-to, the asking side measured: the raw amqp-client's
 * {@link RpcClient} (one shared by the asking threads) against Warren's {@code Producer.request}
 * (the harness's pool, one reply consumer per factory), with 1, 16 and 256 requests in flight (as
 * many asking threads, each asking again as soon as it has its reply). Both ask the same responder:
 * a plain consumer that answers each request at once with its body, so that the figures differ by
 * the asking side only. Prints round-trip latency p50 and p99 and requests per second per round;
 * the figures for docs/performance.md and docs/rpc.md.
 *
 * <p>{@code java -cp ... io.warren.bench.RequestReply [seconds per round, default 3] [rounds, default 2]}
 */
public final class RequestReply {

    private static final int[] IN_FLIGHT = {1, 16, 256};
    private static final byte[] BODY = "{\"q\":1}".getBytes();
    /** Kept so that java.util.logging does not forget the level set on it. */
    private static final Logger WARREN_LOG = Logger.getLogger("io.warren");

    private RequestReply() {
    }

    /** One way of asking: a call that returns with the reply. */
    private interface Asker {
        void ask() throws Exception;
    }

    private record Figures(long p50Micros, long p99Micros, long perSecond) {
        @Override
        public String toString() {
            return String.format("p50 %d µs, p99 %d µs, %d req/s", p50Micros, p99Micros, perSecond);
        }
    }

    public static void main(String[] args) throws Exception {
        WARREN_LOG.setLevel(Level.WARNING);
        long roundNanos = TimeUnit.SECONDS.toNanos(args.length > 0 ? Integer.parseInt(args[0]) : 3);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String queue = "warren.bench.rpc." + UUID.randomUUID().toString().substring(0, 8);
        ConnectionFactory plain = new ConnectionFactory();
        plain.setHost("127.0.0.1");
        try (Connection responderConnection = plain.newConnection("warren-bench rpc responder");
             Connection rawConnection = plain.newConnection("warren-bench rpc raw asker");
             Harness harness = new Harness(8)) {
            Channel responder = responderConnection.createChannel();
            responder.queueDeclare(queue, false, false, true, Map.of());
            responder.basicQos(300);
            responder.basicConsume(queue, true, (tag, request) -> responder.basicPublish("",
                    request.getProperties().getReplyTo(), new AMQP.BasicProperties.Builder()
                            .correlationId(request.getProperties().getCorrelationId())
                            .contentType("application/json").build(), request.getBody()), tag -> { });

            RpcClient raw = new RpcClient(new RpcClientParams().channel(rawConnection.createChannel())
                    .exchange("").routingKey(queue).timeout(30_000));
            AMQP.BasicProperties rawProperties = new AMQP.BasicProperties.Builder().contentType("application/json").build();
            Producer warren = harness.factory().producer(Producer.to("").routingKey(queue).serializer("raw").build());
            java.time.Duration timeout = java.time.Duration.ofSeconds(30);
            OutgoingMessage request = OutgoingMessage.of(BODY).contentType("application/json").build();

            Map<String, Asker> contenders = Map.of(
                    "amqp-client RpcClient", () -> raw.primitiveCall(rawProperties, BODY),
                    "Warren Producer.request", () -> warren.request(request, timeout));
            for (int round = 1; round <= rounds; round++) {
                for (int inFlight : IN_FLIGHT) {
                    for (String name : List.of("amqp-client RpcClient", "Warren Producer.request")) {
                        Figures figures = measure(contenders.get(name), inFlight, roundNanos);
                        System.out.printf("round %d, %3d in flight, %-24s %s%n", round, inFlight, name, figures);
                    }
                }
            }
            raw.close();
            responder.queueDelete(queue);
        }
    }

    /** Asks from {@code inFlight} threads for the round's time, after a warm-up of a fifth of it. */
    private static Figures measure(Asker asker, int inFlight, long roundNanos) throws Exception {
        Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
        AtomicBoolean recording = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        long[] counted = new long[inFlight];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                try {
                    while (running.get()) {
                        long started = System.nanoTime();
                        asker.ask();
                        if (recording.get()) {
                            synchronized (latencies) {
                                latencies.recordValue(System.nanoTime() - started);
                            }
                            counted[index]++;
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("a request failed", e);
                }
            }, "asker-" + i);
            thread.start();
            threads.add(thread);
        }
        TimeUnit.NANOSECONDS.sleep(roundNanos / 5); // the warm-up's length: not a synchronisation
        recording.set(true);
        long started = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(roundNanos);
        recording.set(false);
        long elapsed = System.nanoTime() - started;
        running.set(false);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(35));
        }
        long total = 0;
        for (long count : counted) {
            total += count;
        }
        synchronized (latencies) {
            return new Figures(latencies.getValueAtPercentile(50) / 1000, latencies.getValueAtPercentile(99) / 1000,
                    total * TimeUnit.SECONDS.toNanos(1) / elapsed);
        }
    }
}
