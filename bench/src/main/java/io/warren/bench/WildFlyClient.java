package io.warren.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Warren where users run it: warren.rar in WildFly ({@link WildFlyServer}), and a small
 * application ({@code io.warren.bench.wildfly.app}): an EJB publishing through the container's
 * pool, driven over HTTP by as many concurrent requests as the scenario has threads; an MDB with
 * the given transaction attribute ({@code Required}, the MDB default: container-managed ack when
 * the transaction commits; {@code NotSupported}: ack when onMessage returns), deployed on the
 * scenario's queue for each consumption run. Two of these share one server, one per attribute;
 * only the transacted one publishes (publishing does not depend on the MDB). Takes no part in the
 * latency scenario.
 */
final class WildFlyClient implements Contender {

    static final String TRANSACTED = "Required";
    static final String NOT_TRANSACTED = "NotSupported";
    static final String NAME = "Warren in WildFly";
    static final String NAME_NOT_TRANSACTED = NAME + ", not transacted";
    private static final String BASE = "bench/bench/";
    private static final String IDLE_QUEUE = "warren.bench.wildfly.idle";
    private static final String APP_PACKAGE = "io/warren/bench/wildfly/app";
    private static final long SOAK_BATCH = 100_000;

    private final WildFlyServer server;
    private final String transaction;
    private final Connection broker;
    private String deployedQueue;

    WildFlyClient(WildFlyServer server, String transaction) throws Exception {
        this.server = server;
        this.transaction = transaction;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        broker = factory.newConnection("warren-bench-wildfly-admin");
        try (Channel channel = broker.createChannel()) {
            channel.queueDeclare(IDLE_QUEUE, false, false, false, null);
        }
    }

    @Override
    public String name() {
        return transaction.equals(TRANSACTED) ? NAME : NAME_NOT_TRANSACTED;
    }

    @Override
    public Double publish(Publishing run) throws Exception {
        if (!transaction.equals(TRANSACTED)) {
            return null;
        }
        if (deployedQueue == null) {
            deploy(IDLE_QUEUE, Bench.CONSUMERS);
        }
        return server.app().publish(BASE + "publish", run);
    }

    /**
     * One caller of request and reply: the EJB asks, one request after another, for that long.
     *
     * @return requests answered, nanoseconds taken, start, then each round trip in nanoseconds
     */
    long[] ask(String queue, int size, double seconds) throws Exception {
        if (deployedQueue == null) {
            deploy(IDLE_QUEUE, Bench.CONSUMERS);
        }
        return server.app().numbers(server.app().request(BASE + "request?queue=" + queue + "&size=" + size
                + "&seconds=" + seconds).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    @Override
    public Double consume(String queue, int size, int count, int consumers, int prefetch) throws Exception {
        if (consumers != Bench.CONSUMERS || prefetch != Bench.PREFETCH) {
            throw new IllegalArgumentException("the bench MDB is written for " + Bench.CONSUMERS + " consumers at prefetch "
                    + Bench.PREFETCH);
        }
        deploy(queue, consumers);
        try {
            return server.app().awaitDeliveries(BASE + "deliveries", count, "the MDB in WildFly");
        } finally {
            // what the MDB took is acked when its transactions commit; undeploying sends the last acks
            undeploy();
        }
    }

    @Override
    public double[] latency(String queue, int size, int rate, double seconds, int prefetch) {
        return null;
    }

    /**
     * Heap inside WildFly: the MDB (concurrency 2, this client's transaction attribute) on its own
     * queue while the EJB publishes 1 KiB messages for 2 bench threads, at most 20,000 ahead of it,
     * until {@code target} messages or the time is up; WildFly's heap read after a full GC every
     * sample. Each request publishes at most {@value #SOAK_BATCH} (a request held open for
     * minutes is ended by the server's HTTP timeouts).
     */
    Bench.Heap.Outcome heap(Bench.Settings settings, Admin admin) throws Exception {
        String queue = admin.declare("heap.wildfly", 0);
        List<Bench.Heap.Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + (long) (settings.heapSeconds() * 1e9);
        AtomicLong published = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        deploy(queue, Bench.CONSUMERS);
        List<Thread> publishers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Thread publisher = new Thread(() -> {
                    try {
                        while (published.get() < settings.heapTarget() && System.nanoTime() < deadline) {
                            long batch = Math.min(SOAK_BATCH, settings.heapTarget() - published.get());
                            published.addAndGet(server.app().numbers(server.app().request(BASE + "soak?queue=" + queue
                                    + "&seconds=" + (deadline - System.nanoTime()) / 1e9 + "&max=" + batch)
                                    .POST(HttpRequest.BodyPublishers.noBody()).build())[0]);
                        }
                    } catch (Exception e) {
                        failure.set(e);
                    }
                }, "bench-wildfly-soak-" + i);
                publisher.start();
                publishers.add(publisher);
            }
            samples.add(new Bench.Heap.Sample(0, 0, server.heapUsedAfterGc()));
            long nextSample = start + (long) (settings.heapSampleSeconds() * 1e9);
            while (true) {
                if (failure.get() != null) {
                    throw failure.get();
                }
                long delivered = server.app().numbers(server.app().request(BASE + "deliveries").GET().build())[0];
                boolean publishing = publishers.stream().anyMatch(Thread::isAlive);
                if (!publishing && delivered >= published.get()) {
                    samples.add(new Bench.Heap.Sample((System.nanoTime() - start) / 1e9, delivered, server.heapUsedAfterGc()));
                    break;
                }
                if (System.nanoTime() > deadline + BenchApp.BOUND.toNanos()) {
                    throw new IllegalStateException("the MDB in WildFly received " + delivered + " of " + published.get()
                            + " messages; see " + server.logs());
                }
                if (System.nanoTime() >= nextSample) {
                    Bench.Heap.Sample sample = new Bench.Heap.Sample((System.nanoTime() - start) / 1e9, delivered,
                            server.heapUsedAfterGc());
                    samples.add(sample);
                    Bench.log(String.format("heap in WildFly: %,d messages in %.0f s, %.1f MiB used after GC",
                            sample.messages(), sample.seconds(), sample.usedMiB()));
                    nextSample += (long) (settings.heapSampleSeconds() * 1e9);
                }
                LockSupport.parkNanos(100_000_000);
            }
        } finally {
            for (Thread publisher : publishers) {
                publisher.join(BenchApp.BOUND.toMillis());
            }
            undeploy();
            admin.delete(queue);
        }
        Bench.Heap.Sample last = samples.get(samples.size() - 1);
        return new Bench.Heap.Outcome(last.messages(), last.seconds(), samples, Bench.Heap.slope(samples));
    }

    private void undeploy() throws Exception {
        server.undeploy("bench.war");
        deployedQueue = null;
    }

    /** Deploys the bench application with its MDB on that queue (which must exist). */
    private void deploy(String queue, int concurrency) throws Exception {
        server.deploy("bench.war", List.of(APP_PACKAGE), Map.of(
                "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nDependencies: deployment.warren.rar\n",
                "WEB-INF/ejb-jar.xml", EjbJarXml.of("", "BenchMdb", property("queue", queue) + property("declare", "false")
                        + property("concurrency", Integer.toString(concurrency))
                        + property("prefetch", Integer.toString(Bench.PREFETCH)), transaction),
                "WEB-INF/jboss-ejb3.xml", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <jboss:ejb-jar xmlns:jboss="urn:jboss:jakartaee:1.0" xmlns="https://jakarta.ee/xml/ns/jakartaee"
                                   xmlns:mdb="urn:resource-adapter-binding" version="4.0" impl-version="2.0">
                      <assembly-descriptor>
                        <mdb:resource-adapter-binding>
                          <ejb-name>BenchMdb</ejb-name>
                          <mdb:resource-adapter-name>warren.rar</mdb:resource-adapter-name>
                        </mdb:resource-adapter-binding>
                      </assembly-descriptor>
                    </jboss:ejb-jar>
                    """));
        deployedQueue = queue;
    }

    static String property(String name, String value) {
        return "<activation-config-property><activation-config-property-name>" + name
                + "</activation-config-property-name><activation-config-property-value>" + value
                + "</activation-config-property-value></activation-config-property>";
    }

    @Override
    public void close() throws Exception {
        try (Channel channel = broker.createChannel()) {
            channel.queueDelete(IDLE_QUEUE);
        }
        broker.close();
    }
}
