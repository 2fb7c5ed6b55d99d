package io.warren.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Cluster;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How fast one MDB drains a quorum queue when its connection is on the queue's leader and when it
 * is on a follower (whose node forwards every delivery and ack), on a three-node cluster of this
 * machine ({@link Cluster}, beside the main broker, which it leaves alone): the figures of
 * docs/cluster.md. Alternated, leader first, to even out the machine's noise; prints every round.
 *
 * <p>{@code java -cp ... io.warren.bench.ClusterLocality [messages per round, default 20000] [rounds
 * on each side, default 3]}
 */
public final class ClusterLocality {

    private static final Duration DRAIN_BOUND = Duration.ofSeconds(60);
    /** Kept so that java.util.logging does not forget the level set on it. */
    private static final Logger WARREN_LOG = Logger.getLogger("io.warren");

    private ClusterLocality() {
    }

    public static void main(String[] args) throws Exception {
        WARREN_LOG.setLevel(Level.WARNING);
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        try (Cluster cluster = Cluster.start();
             Harness harness = new Harness(4, managed -> managed.setAddresses(cluster.addresses()))) {
            System.out.println("Three-node cluster started and clustered in " + cluster.startup().toMillis() + " ms");
            Map<String, List<Long>> rates = new LinkedHashMap<>();
            for (int round = 0; round < 2 * rounds; round++) {
                boolean onLeader = round % 2 == 0;
                long rate = drain(cluster, harness, messages, onLeader ? 1 : 2);
                String side = onLeader ? "on the leader's node" : "on a follower's node";
                System.out.println("round " + (round + 1) + ", " + side + ": " + rate + " msg/s");
                rates.computeIfAbsent(side, key -> new ArrayList<>()).add(rate);
            }
            System.out.println("MDB throughput draining " + messages + " messages (msg/s, concurrency 1, prefetch 50): "
                    + rates);
        }
    }

    /** Fills a quorum queue led by c1 and drains it with one MDB connected to node {@code node}; @return msg/s */
    private static long drain(Cluster cluster, Harness harness, int messages, int node) throws Exception {
        String queue = "warren.bench.cluster.locality." + UUID.randomUUID().toString().substring(0, 8);
        // declared through c1, which makes c1 its leader
        try (Connection connection = connect(cluster, 1); Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
            try {
                publish(channel, queue, messages);
                AtomicInteger received = new AtomicInteger();
                long[] firstAndLast = new long[2];
                WarrenActivationSpec spec = new WarrenActivationSpec();
                spec.setQueue(queue);
                spec.setQueueType("quorum");
                spec.setDurable("true");
                spec.setConcurrency("1");
                spec.setAddresses("127.0.0.1:" + cluster.port(node));
                try (Harness.Deployment deployment = harness.deploy(spec, new TestEndpointFactory(false, message -> {
                    long now = System.nanoTime();
                    if (received.getAndIncrement() == 0) {
                        firstAndLast[0] = now;
                    }
                    firstAndLast[1] = now;
                }))) {
                    Broker.await("the queue drained", DRAIN_BOUND, () -> received.get() >= messages);
                }
                long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(firstAndLast[1] - firstAndLast[0]));
                return messages * 1000L / millis;
            } finally {
                channel.queueDelete(queue);
            }
        }
    }

    private static void publish(Channel channel, String queue, int messages) throws Exception {
        channel.confirmSelect();
        AMQP.BasicProperties persistentText = new AMQP.BasicProperties.Builder()
                .contentType("text/plain").deliveryMode(2).build();
        for (int i = 0; i < messages; i++) {
            channel.basicPublish("", queue, persistentText, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        channel.waitForConfirmsOrDie(60_000);
    }

    private static Connection connect(Cluster cluster, int node) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(cluster.port(node));
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection("warren-bench (cluster locality)");
    }
}
