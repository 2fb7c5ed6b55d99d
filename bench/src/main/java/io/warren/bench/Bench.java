package io.warren.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs every scenario with its contenders interleaved (A B C D, then D C B A, ...) after a warm-up
 * pass, keeps the median of the rounds, and writes docs/bench/results.md and results.png.
 *
 * <p>Modes: {@code full} (about 10 minutes; writes results.md, .png, .csv), {@code quick} (about 4
 * minutes, one round, smaller counts: a smoke run, not figures to quote; writes quick.*),
 * {@code soak} (the heap run alone, 10 million messages through one endpoint, 30 minutes at most;
 * writes soak.*). The system property {@code bench.scenarios} (comma-separated: publish, confirms,
 * consume, latency, heap; all by default) runs only some scenarios, and then writes
 * {@code <mode>-<scenarios>.*}, never a full run's files.
 */
public final class Bench {

    static final int[] SIZES = {16, 1024, 65536};
    static final int PUBLISH_THREADS = 4;
    static final int PREFETCH = 50;
    static final int CONSUMERS = 2;
    static final int RATE = 1_000;
    /**
     * What one publishing run may leave in the broker's memory at most: the threads stop at this
     * many bytes of bodies between them even before their time is up (64 KiB: 4,096 messages).
     */
    static final long PUBLISH_BYTES_PER_RUN = 256L << 20;
    /** PerfTest publishes into a queue of its own capped at this many messages (drop-head). */
    static final int PERFTEST_QUEUE_CAP = 2_000;
    /** How long the queue may take to hold every message sent after the publishers returned. */
    static final long ARRIVAL_BOUND_SECONDS = 60;

    /** Kept so that java.util.logging does not forget the level set on it. */
    private static final Logger WARREN_LOG = Logger.getLogger("io.warren");

    record Settings(String mode, int rounds, double publishSeconds, Map<Integer, Integer> consumeCounts,
                    double latencySeconds, double heapSeconds, long heapTarget, double heapSampleSeconds) {
    }

    static Settings settings(String mode) {
        return switch (mode) {
            case "quick" -> new Settings(mode, 1, 1.0, Map.of(16, 15_000, 1024, 15_000, 65536, 2_000), 2.0,
                    20, Long.MAX_VALUE, 5);
            case "soak" -> new Settings(mode, 0, 0, Map.of(), 0, 1_800, 10_000_000, 30);
            case "full" -> new Settings(mode, 3, 1.5, Map.of(16, 40_000, 1024, 40_000, 65536, 8_000), 3.0,
                    90, Long.MAX_VALUE, 10);
            default -> throw new IllegalArgumentException("mode is full, quick or soak, not " + mode);
        };
    }

    static final List<String> SCENARIOS = List.of("publish", "confirms", "consume", "latency", "heap");

    public static void main(String[] args) throws Exception {
        WARREN_LOG.setLevel(Level.WARNING);
        Settings settings = settings(args.length > 0 ? args[0] : "full");
        Path out = Path.of(args.length > 1 ? args[1] : "docs/bench");
        String chosen = System.getProperty("bench.scenarios", "all");
        List<String> scenarios = chosen.equals("all") ? SCENARIOS : List.of(chosen.split(","));
        if (!SCENARIOS.containsAll(scenarios)) {
            throw new IllegalArgumentException("bench.scenarios is all or some of " + SCENARIOS + ", not " + chosen);
        }
        Files.createDirectories(out);
        long started = System.nanoTime();
        Results results = new Results(settings, scenarios);
        boolean soak = settings.mode().equals("soak");
        try (Admin admin = new Admin(); RawClient raw = new RawClient(); WarrenClient warren = new WarrenClient();
             SpringClient spring = new SpringClient(); RawClient rawPerThread = new RawClient(PUBLISH_THREADS);
             WildFlyServer wildfly = Boolean.getBoolean("bench.wildfly") ? new WildFlyServer() : null;
             PayaraServer payara = Boolean.getBoolean("bench.payara") && !soak ? new PayaraServer() : null;
             InServers inServers = new InServers()) {
            results.brokerVersion = admin.brokerVersion();
            if (wildfly != null) {
                inServers.add(new WildFlyClient(wildfly, WildFlyClient.TRANSACTED));
                if (!soak) {
                    inServers.add(new WildFlyClient(wildfly, WildFlyClient.NOT_TRANSACTED));
                    ArtemisMdb.both(wildfly).forEach(inServers::add);
                }
            }
            if (payara != null) {
                PayaraClient.both(payara).forEach(inServers::add);
            }
            List<Contender> contenders = new ArrayList<>(List.of(raw, warren, spring, new PerfTestClient(0)));
            contenders.addAll(2, inServers.contenders);
            List<Contender> publishers = new ArrayList<>(contenders);
            publishers.add(1, rawPerThread); // a publishing variant only
            if (!soak && scenarios.contains("publish")) {
                publishing(settings, admin, publishers, results, false);
            }
            if (!soak && scenarios.contains("confirms")) {
                publishing(settings, admin, publishers, results, true);
            }
            if (!soak && scenarios.contains("consume")) {
                List<Contender> consumers = new ArrayList<>(contenders);
                consumers.add(new PerfTestClient(PREFETCH / 2));
                consuming(settings, admin, consumers, results);
            }
            if (!soak && scenarios.contains("latency")) {
                latency(settings, admin, contenders, results);
            }
            if (scenarios.contains("heap")) {
                // a soak with -Dbench.wildfly=true measures the heap inside WildFly, else the harness's
                if (soak && wildfly != null) {
                    results.heap = ((WildFlyClient) inServers.contenders.get(0)).heap(settings, admin);
                    results.heapWhere = WildFlyClient.NAME;
                } else {
                    results.heap = Heap.run(settings, admin, warren);
                }
            }
        }
        results.minutes = (System.nanoTime() - started) / 60e9;
        Report.write(results, out);
        System.out.println(Files.readString(out.resolve(Report.name(results) + ".md")));
    }

    /** The contenders running inside servers, closed before their servers. */
    private static final class InServers implements AutoCloseable {
        final List<Contender> contenders = new ArrayList<>();

        void add(Contender contender) {
            contenders.add(contender);
        }

        @Override
        public void close() throws Exception {
            for (Contender contender : contenders) {
                contender.close();
            }
        }
    }

    static void log(String text) {
        System.err.printf("[bench %tT] %s%n", System.currentTimeMillis(), text);
    }

    /** Contenders in order on even rounds, reversed on odd ones. */
    private static List<Contender> order(List<Contender> contenders, int round) {
        List<Contender> order = new ArrayList<>(contenders);
        if (round % 2 == 1) {
            Collections.reverse(order);
        }
        return order;
    }

    private static void publishing(Settings settings, Admin admin, List<Contender> contenders, Results results,
                                   boolean confirms) throws Exception {
        String scenario = confirms ? Results.CONFIRMS : Results.PUBLISH;
        for (int size : SIZES) {
            // uncapped: every message must stay countable; the per-thread cap and a purge after each run bound it
            String queue = admin.declare("publish", 0);
            String perfTestQueue = admin.declare("publish.perftest", PERFTEST_QUEUE_CAP);
            try {
                for (Contender contender : contenders) {
                    if (!(contender instanceof PerfTestClient)) {
                        contender.publish(run(admin, queue, size, confirms, settings.publishSeconds() / 2));
                        admin.purge(queue);
                    }
                }
                for (int round = 0; round < settings.rounds(); round++) {
                    for (Contender contender : order(contenders, round)) {
                        String into = contender instanceof PerfTestClient ? perfTestQueue : queue;
                        Double rate = contender.publish(run(admin, into, size, confirms, settings.publishSeconds()));
                        admin.purge(into);
                        if (rate != null) {
                            results.add(scenario, size, contender.name(), rate);
                            log(String.format("%s %d B round %d %s: %.0f msg/s", scenario, size, round + 1,
                                    contender.name(), rate));
                        }
                    }
                }
            } finally {
                admin.delete(queue);
                admin.delete(perfTestQueue);
            }
        }
    }

    /** A publishing run into that queue, ended when the queue holds every message sent. */
    private static Contender.Publishing run(Admin admin, String queue, int size, boolean confirms, double seconds) {
        long perThread = Math.max(64, PUBLISH_BYTES_PER_RUN / size / PUBLISH_THREADS / 64 * 64);
        return new Contender.Publishing(queue, size, PUBLISH_THREADS, confirms, seconds, perThread,
                sent -> admin.awaitArrivals(queue, sent));
    }

    private static void consuming(Settings settings, Admin admin, List<Contender> contenders, Results results)
            throws Exception {
        for (int size : SIZES) {
            int count = settings.consumeCounts().get(size);
            String queue = admin.declare("consume", 0);
            try {
                for (Contender contender : contenders) {
                    if (!(contender instanceof PerfTestClient)) {
                        if (contender.consumesTheBrokersQueue()) {
                            admin.fill(queue, size, count / 4);
                        }
                        contender.consume(queue, size, count / 4, CONSUMERS, PREFETCH);
                        admin.settle(queue, contender.name());
                    }
                }
                for (int round = 0; round < settings.rounds(); round++) {
                    for (Contender contender : order(contenders, round)) {
                        boolean perfTest = contender instanceof PerfTestClient;
                        if (contender.consumesTheBrokersQueue()) {
                            admin.fill(queue, size, perfTest ? (int) (count * PerfTestClient.CONSUME_FILL_FACTOR) : count);
                        }
                        Double rate = contender.consume(queue, size, count, CONSUMERS, PREFETCH);
                        if (perfTest || rate == null) {
                            admin.purge(queue);
                        }
                        admin.settle(queue, contender.name());
                        if (rate == null) {
                            continue;
                        }
                        results.add(Results.CONSUME, size, contender.name(), rate);
                        log(String.format("consume %d B round %d %s: %.0f msg/s", size, round + 1, contender.name(), rate));
                    }
                }
            } finally {
                admin.delete(queue);
            }
        }
    }

    private static void latency(Settings settings, Admin admin, List<Contender> contenders, Results results)
            throws Exception {
        for (int size : SIZES) {
            String queue = admin.declare("latency", 0);
            try {
                for (Contender contender : contenders) {
                    if (!(contender instanceof PerfTestClient)) {
                        contender.latency(queue, size, RATE, 1.0, PREFETCH);
                        admin.purge(queue);
                    }
                }
                for (int round = 0; round < settings.rounds(); round++) {
                    for (Contender contender : order(contenders, round)) {
                        double[] percentiles = contender.latency(queue, size, RATE, settings.latencySeconds(), PREFETCH);
                        admin.purge(queue);
                        if (percentiles == null) {
                            continue;
                        }
                        results.addLatency(size, contender.name(), percentiles);
                        log(String.format("latency %d B round %d %s: p50 %.0f µs, p99 %.0f µs, p99.9 %.0f µs", size,
                                round + 1, contender.name(), percentiles[0], percentiles[1], percentiles[2]));
                    }
                }
            } finally {
                admin.delete(queue);
            }
        }
    }

    /** Heap after many messages through one MDB endpoint, sampled after a full GC. */
    static final class Heap {
        record Sample(double seconds, long messages, double usedMiB) {
        }

        record Outcome(long messages, double seconds, List<Sample> samples, double slopeKiBPerMillion) {
        }

        static Outcome run(Settings settings, Admin admin, WarrenClient warren) throws Exception {
            String queue = admin.declare("heap", 0);
            AtomicLong consumed = new AtomicLong();
            AtomicLong published = new AtomicLong();
            List<Sample> samples = new ArrayList<>();
            long start = System.nanoTime();
            long deadline = start + (long) (settings.heapSeconds() * 1e9);
            byte[] body = Meter.body(1024);
            try (var deployment = warren.deploy(queue, 1, PREFETCH, message -> consumed.incrementAndGet())) {
                io.warren.Producer producer = warren.harness().factory().producer(
                        io.warren.Producer.to("").routingKey(queue).build());
                Thread[] publishers = new Thread[2];
                for (int i = 0; i < publishers.length; i++) {
                    publishers[i] = new Thread(() -> {
                        while (System.nanoTime() < deadline && published.get() < settings.heapTarget()) {
                            if (published.get() - consumed.get() > 20_000) {
                                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                                continue;
                            }
                            producer.publish(io.warren.OutgoingMessage.of(body).persistent(false).build());
                            published.incrementAndGet();
                        }
                    }, "bench-heap-publisher-" + i);
                    publishers[i].start();
                }
                samples.add(sample(start, consumed.get()));
                long nextSample = start + (long) (settings.heapSampleSeconds() * 1e9);
                while (true) {
                    boolean publishing = false;
                    for (Thread publisher : publishers) {
                        publishing |= publisher.isAlive();
                    }
                    if (!publishing && consumed.get() >= published.get()) {
                        break;
                    }
                    Thread.sleep(100);
                    if (System.nanoTime() >= nextSample) {
                        samples.add(sample(start, consumed.get()));
                        Sample last = samples.get(samples.size() - 1);
                        log(String.format("heap: %,d messages in %.0f s, %.1f MiB used after GC", last.messages(),
                                last.seconds(), last.usedMiB()));
                        nextSample += (long) (settings.heapSampleSeconds() * 1e9);
                    }
                }
                samples.add(sample(start, consumed.get()));
            } finally {
                admin.delete(queue);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Outcome(consumed.get(), seconds, samples, slope(samples));
        }

        private static Sample sample(long start, long messages) {
            System.gc();
            System.gc();
            double used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
            return new Sample((System.nanoTime() - start) / 1e9, messages, used);
        }

        /** Least-squares growth of the heap after GC, in KiB per million messages, leaving out the first sample. */
        static double slope(List<Sample> samples) {
            List<Sample> steady = samples.subList(Math.min(1, samples.size() - 1), samples.size());
            if (steady.size() < 2) {
                return Double.NaN;
            }
            double mx = steady.stream().mapToDouble(s -> s.messages() / 1e6).average().orElse(0);
            double my = steady.stream().mapToDouble(s -> s.usedMiB() * 1024).average().orElse(0);
            double num = 0;
            double den = 0;
            for (Sample s : steady) {
                double x = s.messages() / 1e6 - mx;
                num += x * (s.usedMiB() * 1024 - my);
                den += x * x;
            }
            return den == 0 ? Double.NaN : num / den;
        }
    }

    /** Every figure of the run, by scenario, size and contender, in the order measured. */
    static final class Results {
        static final String PUBLISH = "publish";
        static final String CONFIRMS = "publish with confirms";
        static final String CONSUME = "consume with ack";

        final Settings settings;
        final List<String> scenarios;
        final Map<String, Map<Integer, Map<String, List<Double>>>> rates = new LinkedHashMap<>();
        final Map<Integer, Map<String, List<double[]>>> latencies = new LinkedHashMap<>();
        String brokerVersion;
        Heap.Outcome heap;
        /** Where the heap was measured: the harness (null) or a server contender's name. */
        String heapWhere;
        double minutes;

        Results(Settings settings, List<String> scenarios) {
            this.settings = settings;
            this.scenarios = scenarios;
        }

        void add(String scenario, int size, String contender, double rate) {
            rates.computeIfAbsent(scenario, s -> new LinkedHashMap<>()).computeIfAbsent(size, s -> new LinkedHashMap<>())
                    .computeIfAbsent(contender, c -> new ArrayList<>()).add(rate);
        }

        void addLatency(int size, String contender, double[] percentiles) {
            latencies.computeIfAbsent(size, s -> new LinkedHashMap<>()).computeIfAbsent(contender, c -> new ArrayList<>())
                    .add(percentiles);
        }
    }

    static Duration minutes(double minutes) {
        return Duration.ofSeconds((long) (minutes * 60));
    }
}
