package io.warren.rar.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Cluster;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Warren against a real three-node cluster ({@link Cluster}): producers publishing with confirms
 * and an MDB consuming a quorum queue, all with every node in {@code addresses} and otherwise
 * default settings, while nodes go down. What docs/cluster.md states is asserted: no confirmed
 * message is lost, deliveries resume within {@link #RESUMES} of each fault, and while the quorum is
 * lost nothing is delivered until a node returns; the figures of each scenario (confirmed, delivered, duplicates, the gap in
 * deliveries) are printed and written to {@code target/cluster-failover.md} for docs/cluster.md.
 * One cluster serves every test: starting one takes about 15 s on two cores.
 */
class ClusterTest {

    /** Bound on waits that are no claim of the docs (start-up, traffic after recovery). */
    private static final Duration RECOVERY = Duration.ofSeconds(60);
    /** The docs' claim: deliveries resume within this of each fault (measured: well under a second; 1.5 s for a node's return). */
    private static final Duration RESUMES = Duration.ofSeconds(30);
    /** Publishes made without the quorum that must have failed (each after its 5 s confirm timeout) before a node returns. */
    private static final int FAILED_WITHOUT_QUORUM = 4;
    private static final List<String> ROWS = new ArrayList<>();
    private static Cluster cluster;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = Cluster.start();
        System.out.println("Three-node cluster started and clustered in " + cluster.startup().toMillis() + " ms");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        try {
            if (!ROWS.isEmpty()) {
                String table = "cluster start-up: " + cluster.startup().toMillis() + " ms\n\n"
                        + "| scenario | confirmed | delivered | lost | duplicates | publishes failed (retried) | gap |\n"
                        + "| --- | --- | --- | --- | --- | --- | --- |\n" + String.join("\n", ROWS) + "\n";
                System.out.println(table);
                Files.createDirectories(Path.of("target"));
                Files.writeString(Path.of("target", "cluster-failover.md"), table);
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
        cluster.startAll();
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    private Harness harness(String addressStrategy) {
        return opened(new Harness(4, managed -> {
            managed.setAddresses(cluster.addresses());
            if (addressStrategy != null) {
                managed.setAddressStrategy(addressStrategy);
            }
        }));
    }

    private static String queueName(String hint) {
        return "warren.test.cluster." + hint + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Declares a quorum queue through node {@code node}, which makes that node its leader. */
    private static void declareQuorumQueueOn(int node, String queue) throws Exception {
        try (Connection connection = checkerConnection(node); Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
        }
    }

    /** Publishing and consuming under way on a quorum queue led by {@code leader}, the MDB on c1. */
    private Traffic running(Harness harness, String queue, int leader) throws Exception {
        declareQuorumQueueOn(leader, queue);
        assertEquals(leader, cluster.leader(queue), "the queue is led by the node it was declared on");
        Traffic traffic = opened(new Traffic(harness, queue).deploy(cluster.addresses(), null));
        traffic.startPublishing();
        Broker.await("the first deliveries", RECOVERY, () -> traffic.deliveries() >= 50);
        assertEquals(1, cluster.nodeConnected(inbound(harness)), "inOrder: the MDB is on the first node");
        return traffic;
    }

    private static String inbound(Harness harness) {
        return harness.connectionName() + " (inbound";
    }

    /** Stops the node and waits for deliveries to come again; @return when the stop was issued, as System.nanoTime() */
    private static long stopAndAwaitRecovery(Traffic traffic, int node) throws Exception {
        long stopped = System.nanoTime();
        cluster.stop(node);
        awaitResumed(traffic, stopped, System.nanoTime(), "stopping c" + node);
        return stopped;
    }

    /**
     * Asserts that a delivery comes after {@code afterNanos} (when the fault's command returned: earlier
     * ones may be the MDB finishing what it had) within {@link #RESUMES} of {@code faultNanos}, when the
     * fault (or the return of a node) was issued.
     */
    private static void awaitResumed(Traffic traffic, long faultNanos, long afterNanos, String fault) {
        Duration left = RESUMES.minusNanos(System.nanoTime() - faultNanos);
        traffic.awaitDeliveryAfter(afterNanos, "deliveries to resume within " + RESUMES.toSeconds() + " s of "
                + fault + " (docs/cluster.md)", left.isNegative() ? Duration.ZERO : left);
    }

    /** Lets traffic run a little after recovery, stops it, checks nothing confirmed is missing and records the row. */
    private static void finish(Traffic traffic, String scenario, String gap) throws Exception {
        int now = traffic.deliveries();
        Broker.await("more deliveries after recovery", RECOVERY, () -> traffic.deliveries() >= now + 50);
        traffic.stopPublishing();
        traffic.awaitEveryConfirmedDelivered(RECOVERY);
        Traffic.Figures figures = traffic.figures();
        String row = "| " + scenario + " | " + figures.confirmed() + " | " + figures.delivered() + " | "
                + figures.lost() + " | " + figures.duplicates() + " | " + figures.failedPublishes() + " | " + gap + " |";
        System.out.println(row);
        ROWS.add(row);
        assertEquals(0, figures.lost(), "confirmed messages lost");
    }

    private static String seconds(long millis) {
        return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    @Test
    void stoppingTheNodeTheMdbIsConnectedTo() throws Exception {
        Harness harness = harness(null);
        String queue = queueName("mdb-node");
        // led by c2, so that only the connections move: the MDB's and the producers', on c1
        Traffic traffic = running(harness, queue, 2);
        long stopped = stopAndAwaitRecovery(traffic, 1);
        int node = cluster.nodeConnected(inbound(harness));
        finish(traffic, "stop the MDB's node (c1; leader c2)", seconds(traffic.gapMillisAfter(stopped))
                + " (MDB moved to c" + node + ")");
    }

    @Test
    void theNodeTheMdbIsConnectedToCrashes() throws Exception {
        Harness harness = harness(null);
        String queue = queueName("mdb-node-crash");
        Traffic traffic = running(harness, queue, 2);
        long killed = System.nanoTime();
        cluster.kill(1);
        awaitResumed(traffic, killed, System.nanoTime(), "killing c1");
        int node = cluster.nodeConnected(inbound(harness));
        finish(traffic, "kill -9 the MDB's node (c1; leader c2)", seconds(traffic.gapMillisAfter(killed))
                + " (MDB moved to c" + node + ")");
    }

    @Test
    void stoppingTheQueueLeader() throws Exception {
        Harness harness = harness(null);
        String queue = queueName("leader");
        // the MDB and the producers stay connected to c1; only the queue's leader goes
        Traffic traffic = running(harness, queue, 2);
        long stopped = stopAndAwaitRecovery(traffic, 2);
        int leader = cluster.leader(queue);
        finish(traffic, "stop the queue's leader (c2; MDB on c1)", seconds(traffic.gapMillisAfter(stopped))
                + " (new leader c" + leader + ")");
    }

    @Test
    void theQueueLeaderCrashes() throws Exception {
        Harness harness = harness(null);
        String queue = queueName("leader-crash");
        Traffic traffic = running(harness, queue, 2);
        long killed = System.nanoTime();
        cluster.kill(2);
        awaitResumed(traffic, killed, System.nanoTime(), "killing c2");
        Broker.await("a new leader", RECOVERY, () -> {
            try {
                return cluster.leader(queue) != 0 && cluster.leader(queue) != 2;
            } catch (Exception notYet) {
                return false;
            }
        });
        finish(traffic, "kill -9 the queue's leader (c2; MDB on c1)", seconds(traffic.gapMillisAfter(killed))
                + " (new leader c" + cluster.leader(queue) + ")");
    }

    @Test
    void rollingRestart() throws Exception {
        Harness harness = harness(null);
        String queue = queueName("rolling");
        Traffic traffic = running(harness, queue, 1);
        long firstStop = stopAndAwaitRecovery(traffic, 1);
        long firstGap = traffic.gapMillisAfter(firstStop);
        cluster.start(1);
        int now = traffic.deliveries();
        Broker.await("deliveries with c1 back", RECOVERY, () -> traffic.deliveries() >= now + 50);
        int mdbNode = cluster.nodeConnected(inbound(harness));
        long secondStop = stopAndAwaitRecovery(traffic, mdbNode);
        long secondGap = traffic.gapMillisAfter(secondStop);
        cluster.start(mdbNode);
        finish(traffic, "rolling restart (stop c1, start it, stop c" + mdbNode + ", start it)",
                seconds(firstGap) + ", then " + seconds(secondGap));
    }

    @Test
    void losingTheQuorumAndGettingItBack() throws Exception {
        Harness harness = harness(null);
        String queue = queueName("quorum-lost");
        Traffic traffic = running(harness, queue, 1);
        long stopped = System.nanoTime();
        cluster.stop(1);
        cluster.stop(2);
        long lost = System.nanoTime();
        int failedBefore = traffic.figures().failedPublishes();
        // as docs/cluster.md says, the MDB reconnects to the node left and consumes there: from then on
        // it has nothing of the old connections to finish, and any delivery would be the queue's
        Broker.await("the MDB consuming on c3, the node left", RECOVERY,
                () -> traffic.consumers() == 1 && connectionsQuietly(3, inbound(harness)) > 0);
        long watched = System.nanoTime();
        // publishes made from now on reach a queue without its quorum; once some have failed (each after
        // its confirm timeout), the broker has held them that long and delivered none
        Broker.await(FAILED_WITHOUT_QUORUM + " publishes made without the quorum failing", RECOVERY,
                () -> traffic.failedPublishesMadeAfter(watched) >= FAILED_WITHOUT_QUORUM);
        int deliveredWithoutQuorum = traffic.deliveriesAfter(watched);
        int failedWithoutQuorum = traffic.figures().failedPublishes() - failedBefore;
        assertEquals(0, deliveredWithoutQuorum, "deliveries while the quorum was lost");
        long returned = System.nanoTime();
        cluster.start(2);
        awaitResumed(traffic, returned, returned, "starting c2 again (the quorum back)");
        long resumed = traffic.firstDeliveryAfter(returned);
        cluster.start(1);
        System.out.println("Without the quorum for " + seconds(TimeUnit.NANOSECONDS.toMillis(returned - lost)) + " ("
                + seconds(TimeUnit.NANOSECONDS.toMillis(returned - watched)) + " of them with the MDB consuming on c3): "
                + deliveredWithoutQuorum + " deliveries, " + failedWithoutQuorum + " publishes failed");
        finish(traffic, "stop two of three (c1, c2); start c2 once publishes without the quorum have failed",
                seconds(traffic.gapMillisAfter(stopped))
                + " in all; first delivery " + seconds(TimeUnit.NANOSECONDS.toMillis(resumed - returned))
                + " after c2 was started (" + deliveredWithoutQuorum + " deliveries, " + failedWithoutQuorum
                + " failed publishes without quorum)");
    }

    @Test
    void roundRobinSpreadsConnectionsAcrossTheNodes() throws Exception {
        Map<String, int[]> perStrategy = new LinkedHashMap<>();
        for (String strategy : List.of("inOrder", "roundRobin")) {
            Harness harness = harness(strategy);
            for (int i = 0; i < 3; i++) {
                WarrenActivationSpec spec = new WarrenActivationSpec();
                spec.setQueue(queueName("spread"));
                spec.setQueueType("quorum");
                spec.setDurable("true");
                spec.setConcurrency("1");
                spec.setAddresses(cluster.addresses());
                spec.setAddressStrategy(strategy);
                Harness.Deployment deployment = opened(harness.deploy(spec, new TestEndpointFactory(false, message -> { })));
                Broker.await("MDB " + i + " consuming", RECOVERY, () -> deployment.consumers() == 1);
            }
            int[] counts = new int[3];
            for (int node = 1; node <= 3; node++) {
                counts[node - 1] = cluster.connections(node, inbound(harness));
            }
            perStrategy.put(strategy, counts);
            System.out.println(strategy + ": MDB connections on c1, c2, c3: " + Arrays.toString(counts));
        }
        assertEquals(List.of(3, 0, 0), asList(perStrategy.get("inOrder")), "inOrder: all on the first node");
        assertEquals(List.of(1, 1, 1), asList(perStrategy.get("roundRobin")), "roundRobin: one on each node");
    }

    /** @return the node's connections of that name; 0 while rabbitmqctl cannot answer yet */
    private static int connectionsQuietly(int node, String prefix) {
        try {
            return cluster.connections(node, prefix);
        } catch (Exception notYet) {
            return 0;
        }
    }

    private static Connection checkerConnection(int node) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(cluster.port(node));
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection("warren-tests (cluster checker)");
    }

    private static List<Integer> asList(int[] counts) {
        return Arrays.stream(counts).boxed().toList();
    }
}
