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
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Request and reply over direct reply-to, the asking side measured, all contenders answered by the
 * same plain responder (a consumer that echoes each request's body at once), so that the figures
 * differ by the asking side only:
 * <ul>
 *   <li>the raw amqp-client at its best: one channel consuming {@code amq.rabbitmq.reply-to} and
 *       publishing every request, a map of futures by correlation id, any number of requests in
 *       flight ({@link RawDirectReplyTo});</li>
 *   <li>the raw amqp-client's blocking {@link RpcClient}, one shared by the asking threads;</li>
 *   <li>Spring AMQP's {@link RabbitTemplate#convertSendAndReceive(String, String, Object)} (its
 *       direct reply-to container, the default; channel cache as large as the most requesters);</li>
 *   <li>Warren's {@code Producer.request} (the JCA harness, one reply consumer per factory);</li>
 *   <li>with {@code -Dbench.wildfly=true}, Warren in WildFly 37: an EJB asking in a loop through the
 *       server's connection factory, one HTTP call per requester and round, each call a loop
 *       ({@link WildFlyClient#ask}); its round trips are timed inside the server.</li>
 * </ul>
 * Each is measured with 1, 16, 64 and 256 asking threads (WildFly up to 16) (as many requests in flight, each thread asking
 * again as soon as it has its reply) at a 16 B and a 64 KiB body, in rounds that interleave the
 * contenders (their order turning each round), after a round of warm-up at 16 requesters that is
 * not counted. Prints each round, then a Markdown table of the
 * rounds together: requests per second, p50 and p99 round-trip latency, and the ratios of Warren to
 * the better raw contender and to Spring AMQP.
 *
 * <p>{@code java -cp ... io.warren.bench.RequestReply [seconds per round, default 3] [rounds, default 2]}
 */
public final class RequestReply {

    private static final int[] REQUESTERS = {1, 16, 64, 256};
    /**
     * Each caller of the EJB holds one of WildFly's HTTP worker threads for its round (8 per I/O
     * thread, 32 on 2 cores): more callers than that queue instead of asking together, so that
     * 64 asked in two shifts. Well below that bound.
     */
    private static final int MOST_IN_WILDFLY = 16;
    private static final int[] SIZES = {16, 64 * 1024};
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String RAW = "amqp-client, direct reply-to";
    private static final String RPC_CLIENT = "amqp-client RpcClient";
    private static final String SPRING = "Spring AMQP convertSendAndReceive";
    private static final String WARREN = "Warren Producer.request";
    private static final String WILDFLY = "Warren in WildFly (EJB)";
    private static final boolean IN_WILDFLY = Boolean.getBoolean("bench.wildfly");
    private static final List<String> CONTENDERS = IN_WILDFLY ? List.of(RAW, RPC_CLIENT, SPRING, WARREN, WILDFLY)
            : List.of(RAW, RPC_CLIENT, SPRING, WARREN);
    /** Kept so that java.util.logging does not forget the level set on it. */
    private static final Logger WARREN_LOG = Logger.getLogger("io.warren");

    private RequestReply() {
    }

    /** One way of asking: a call that returns with the reply. */
    private interface Asker {
        void ask() throws Exception;
    }

    /** What the rounds of one contender at one size and number of requesters measured together. */
    private static final class Figures {
        final Histogram latencies = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
        long requests;
        long nanos;

        long perSecond() {
            return requests * TimeUnit.SECONDS.toNanos(1) / Math.max(1, nanos);
        }

        long micros(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1000;
        }

        @Override
        public String toString() {
            return String.format("%7d req/s, p50 %6d µs, p99 %6d µs", perSecond(), micros(50), micros(99));
        }
    }

    public static void main(String[] args) throws Exception {
        WARREN_LOG.setLevel(Level.WARNING);
        long roundNanos = TimeUnit.SECONDS.toNanos(args.length > 0 ? Integer.parseInt(args[0]) : 3);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String queue = "warren.bench.rpc." + UUID.randomUUID().toString().substring(0, 8);
        ConnectionFactory plain = new ConnectionFactory();
        plain.setHost("127.0.0.1");
        CachingConnectionFactory springFactory = new CachingConnectionFactory("127.0.0.1", 5672);
        springFactory.setChannelCacheSize(REQUESTERS[REQUESTERS.length - 1]);
        springFactory.setConnectionNameStrategy(f -> "warren-bench rpc spring asker");
        try (Connection responderConnection = plain.newConnection("warren-bench rpc responder");
             Connection rawConnection = plain.newConnection("warren-bench rpc raw asker");
             Connection rpcClientConnection = plain.newConnection("warren-bench rpc RpcClient asker");
             Harness harness = new Harness(8);
             WildFlyServer wildfly = IN_WILDFLY ? new WildFlyServer() : null;
             WildFlyClient inWildFly = IN_WILDFLY ? new WildFlyClient(wildfly, WildFlyClient.TRANSACTED) : null) {
            Channel responder = responderConnection.createChannel();
            responder.queueDeclare(queue, false, false, true, Map.of());
            responder.basicConsume(queue, true, (tag, request) -> responder.basicPublish("",
                    request.getProperties().getReplyTo(), new AMQP.BasicProperties.Builder()
                            .correlationId(request.getProperties().getCorrelationId())
                            .contentType("application/octet-stream").build(), request.getBody()), tag -> { });

            RawDirectReplyTo raw = new RawDirectReplyTo(rawConnection, queue);
            RpcClient rpcClient = new RpcClient(new RpcClientParams().channel(rpcClientConnection.createChannel())
                    .exchange("").routingKey(queue).timeout((int) TIMEOUT.toMillis()));
            RabbitTemplate spring = new RabbitTemplate(springFactory);
            spring.setReplyTimeout(TIMEOUT.toMillis());
            Producer warren = harness.factory().producer(Producer.to("").routingKey(queue).serializer("raw").build());
            AMQP.BasicProperties rawProperties = new AMQP.BasicProperties.Builder()
                    .contentType("application/octet-stream").build();
            if (inWildFly != null) {
                inWildFly.ask(queue, 16, 0.5); // deploys the application, once
            }

            Map<String, Figures> figures = new LinkedHashMap<>();
            // round 0 warms every contender up (the JIT, the pools, Spring's consumers) and is not counted:
            // without it the first contender of the first case ran cold
            for (int round = 0; round <= rounds; round++) {
                for (int size : SIZES) {
                    byte[] body = Meter.body(size);
                    OutgoingMessage request = OutgoingMessage.of(body).contentType("application/octet-stream").build();
                    Map<String, Asker> askers = Map.of(
                            RAW, () -> raw.call(body),
                            RPC_CLIENT, () -> rpcClient.primitiveCall(rawProperties, body),
                            SPRING, () -> spring.convertSendAndReceive("", queue, body),
                            WARREN, () -> warren.request(request, TIMEOUT));
                    for (int requesters : REQUESTERS) {
                        for (int i = 0; i < CONTENDERS.size(); i++) {
                            String name = CONTENDERS.get((i + Math.max(round, 1) - 1) % CONTENDERS.size());
                            if (round == 0 && requesters != REQUESTERS[1]
                                    || name.equals(WILDFLY) && requesters > MOST_IN_WILDFLY) {
                                continue;
                            }
                            Figures once = name.equals(WILDFLY) ? inServer(inWildFly, queue, size, requesters, roundNanos)
                                    : measure(askers.get(name), requesters, roundNanos);
                            if (round == 0) {
                                System.out.printf("warm-up, %6d B, %2d requesters, %-34s %s%n", size, requesters, name,
                                        once);
                                continue;
                            }
                            Figures total = figures.computeIfAbsent(key(name, size, requesters), k -> new Figures());
                            total.latencies.add(once.latencies);
                            total.requests += once.requests;
                            total.nanos += once.nanos;
                            System.out.printf("round %d, %6d B, %2d requesters, %-34s %s%n", round, size,
                                    requesters, name, once);
                        }
                    }
                }
            }
            System.out.println();
            System.out.print(table(figures, rounds, roundNanos));
            rpcClient.close();
            raw.close();
            spring.stop(); // its direct reply-to container, which would otherwise open a connection again
            responder.queueDelete(queue);
        } finally {
            springFactory.destroy();
        }
        // whatever thread a client left behind must not keep the bench (and the Maven lock it runs under) alive
        System.exit(0);
    }

    private static String key(String contender, int size, int requesters) {
        return contender + "|" + size + "|" + requesters;
    }

    /** The rounds together, for docs/performance.md and docs/rpc.md. */
    private static String table(Map<String, Figures> figures, int rounds, long roundNanos) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%d rounds of %d s per contender and case, measured together.%n%n", rounds,
                TimeUnit.NANOSECONDS.toSeconds(roundNanos)));
        out.append("| body | requesters |");
        CONTENDERS.forEach(name -> out.append(' ').append(name).append(" |"));
        out.append(" Warren ÷ better raw (req/s) | Warren ÷ Spring (req/s) |");
        out.append(IN_WILDFLY ? " Warren in WildFly ÷ better raw (req/s) |\n|---|---|" : "\n|---|---|");
        CONTENDERS.forEach(name -> out.append("---|"));
        out.append(IN_WILDFLY ? "---|---|---|\n" : "---|---|\n");
        for (int size : SIZES) {
            for (int requesters : REQUESTERS) {
                out.append("| ").append(size < 1024 ? size + " B" : size / 1024 + " KiB").append(" | ")
                        .append(requesters).append(" |");
                for (String name : CONTENDERS) {
                    Figures f = figures.get(key(name, size, requesters));
                    if (f == null) {
                        out.append(" (not measured) |");
                        continue;
                    }
                    out.append(String.format(" %,d req/s, p50 %,d µs, p99 %,d µs |", f.perSecond(), f.micros(50),
                            f.micros(99)));
                }
                long warren = figures.get(key(WARREN, size, requesters)).perSecond();
                long bestRaw = Math.max(figures.get(key(RAW, size, requesters)).perSecond(),
                        figures.get(key(RPC_CLIENT, size, requesters)).perSecond());
                long spring = figures.get(key(SPRING, size, requesters)).perSecond();
                out.append(String.format(" %.2f× | %.2f× |", (double) warren / bestRaw, (double) warren / spring));
                Figures inWildFly = figures.get(key(WILDFLY, size, requesters));
                if (IN_WILDFLY) {
                    out.append(inWildFly == null ? " |" : String.format(" %.2f× |", (double) inWildFly.perSecond() / bestRaw));
                }
                out.append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    /**
     * Has the EJB in WildFly ask from {@code requesters} concurrent HTTP calls, each a warm-up of a
     * fifth of the round and then the round. The round's time is from the first call's start to the
     * last one's end, on the server's clock (the same as this JVM's on one machine): calls that the
     * server did not run together stretch it, rather than count twice.
     */
    private static Figures inServer(WildFlyClient client, String queue, int size, int requesters, long roundNanos)
            throws Exception {
        Figures figures = new Figures();
        double seconds = roundNanos / 1e9;
        List<Thread> threads = new ArrayList<>();
        long[] starts = new long[requesters];
        long[] ends = new long[requesters];
        for (int i = 0; i < requesters; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                try {
                    client.ask(queue, size, seconds / 5);
                    long[] outcome = client.ask(queue, size, seconds);
                    synchronized (figures) {
                        figures.requests += outcome[0];
                        for (int k = 3; k < outcome.length; k++) {
                            figures.latencies.recordValue(Math.min(outcome[k], TimeUnit.SECONDS.toNanos(30)));
                        }
                    }
                    starts[index] = outcome[2];
                    ends[index] = outcome[2] + outcome[1];
                } catch (Exception e) {
                    throw new IllegalStateException("the EJB's requests failed", e);
                }
            }, "wildfly-asker-" + i);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.MINUTES.toMillis(2));
        }
        synchronized (figures) {
            figures.nanos = java.util.Arrays.stream(ends).max().orElseThrow()
                    - java.util.Arrays.stream(starts).min().orElseThrow();
        }
        return figures;
    }

    /** Asks from {@code requesters} threads for the round's time, after a warm-up of a fifth of it. */
    private static Figures measure(Asker asker, int requesters, long roundNanos) throws Exception {
        Figures figures = new Figures();
        AtomicBoolean recording = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        long[] counted = new long[requesters];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < requesters; i++) {
            int index = i;
            Thread thread = new Thread(() -> {
                try {
                    while (running.get()) {
                        long started = System.nanoTime();
                        asker.ask();
                        if (recording.get()) {
                            synchronized (figures) {
                                figures.latencies.recordValue(System.nanoTime() - started);
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
        figures.nanos = System.nanoTime() - started;
        running.set(false);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(35));
        }
        synchronized (figures) {
            for (long count : counted) {
                figures.requests += count;
            }
        }
        return figures;
    }
}
