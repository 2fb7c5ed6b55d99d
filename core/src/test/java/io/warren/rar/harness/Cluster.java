package io.warren.rar.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.testnode.SecondNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A RabbitMQ cluster of three nodes on this machine, beside the main broker (which it leaves
 * alone): nodes {@code c1@localhost} to {@code c3@localhost}, each a {@link SecondNode} with free
 * ports and a temporary directory, the second and third joined to the first. Closing it stops
 * every node and deletes their directories; a shutdown hook does the same if the JVM ends first
 * (a killed Maven run), so that no {@code beam.smp} of the cluster outlives the tests.
 */
public final class Cluster implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private final List<SecondNode> nodes = new ArrayList<>();
    private final Set<Integer> stopped = ConcurrentHashMap.newKeySet();
    private final Set<Integer> killed = ConcurrentHashMap.newKeySet();
    private final Thread shutdownHook = new Thread(this::stopAll, "warren-test cluster teardown");
    private Duration startup;

    private Cluster() {
    }

    /** Starts three nodes and clusters them; fails, stopping what it started, if it cannot. */
    public static Cluster start() throws Exception {
        Cluster cluster = new Cluster();
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        long began = System.nanoTime();
        try {
            cluster.startNodes();
            String first = cluster.nodes.get(0).node();
            for (SecondNode node : cluster.nodes.subList(1, cluster.nodes.size())) {
                node.rabbitmqctl("stop_app");
                node.rabbitmqctl("join_cluster", first);
                node.rabbitmqctl("start_app");
            }
            Broker.await("three running nodes in the cluster", WAIT, () -> cluster.runningNodes().size() == 3,
                    () -> String.valueOf(cluster.runningNodes()));
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        cluster.startup = Duration.ofNanos(System.nanoTime() - began);
        return cluster;
    }

    /** Starts the three nodes side by side (each mostly waits for its VM to boot); fails once all have ended. */
    private void startNodes() throws Exception {
        ExecutorService starting = Executors.newFixedThreadPool(3);
        try {
            List<Future<SecondNode>> started = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                String node = "c" + i + "@localhost";
                started.add(starting.submit(() -> {
                    stopLeftover(node);
                    return SecondNode.plain(node);
                }));
            }
            Exception failure = null;
            for (Future<SecondNode> node : started) {
                try {
                    nodes.add(node.get(3, TimeUnit.MINUTES));
                } catch (ExecutionException | TimeoutException e) {
                    failure = failure == null ? e : failure;
                }
            }
            if (failure != null) {
                throw new IllegalStateException("cannot start the cluster's nodes", failure);
            }
        } finally {
            starting.shutdownNow();
        }
    }

    /** A node of ours left running by a JVM that was killed before its hook ran would hold the name. */
    private static void stopLeftover(String node) {
        try {
            new ProcessBuilder("rabbitmqctl", "-q", "-n", node, "stop").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (Exception nothingToStop) {
            // the usual case: no such node runs
        }
    }

    /** @return how long starting and clustering the three nodes took */
    public Duration startup() {
        return startup;
    }

    /** @return {@code 127.0.0.1:port} of every node, comma-separated, first node first */
    public String addresses() {
        return nodes.stream().map(node -> "127.0.0.1:" + node.port()).collect(Collectors.joining(","));
    }

    /** @return the AMQP port of node {@code i} (1 to 3) */
    public int port(int i) {
        return nodes.get(i - 1).port();
    }

    /** @return the node name of node {@code i}, e.g. {@code c2@localhost} */
    public String node(int i) {
        return nodes.get(i - 1).node();
    }

    /** Stops the broker application of node {@code i}, as a node going down: its clients are disconnected. */
    public void stop(int i) throws Exception {
        stopped.add(i);
        nodes.get(i - 1).stopApp();
    }

    /** Kills node {@code i}'s Erlang VM, as a crash: clients see their sockets closed without a word. */
    public void kill(int i) throws Exception {
        stopped.add(i);
        killed.add(i);
        nodes.get(i - 1).kill();
    }

    /** Starts node {@code i} again (its VM if it was killed, else its broker application) and waits until it runs. */
    public void start(int i) throws Exception {
        if (killed.remove(i)) {
            nodes.get(i - 1).restart();
        } else {
            nodes.get(i - 1).startApp();
        }
        nodes.get(i - 1).rabbitmqctl("await_startup");
        stopped.remove(i);
    }

    /** Starts every node that a test stopped, e.g. after a failed test. */
    public void startAll() throws Exception {
        for (int i : List.copyOf(stopped)) {
            start(i);
        }
    }

    /** @return the number (1 to 3) of a running node */
    private int aRunningNode() {
        for (int i = 1; i <= nodes.size(); i++) {
            if (!stopped.contains(i)) {
                return i;
            }
        }
        throw new IllegalStateException("every node is stopped");
    }

    /** @return the running nodes, as the cluster sees them */
    private List<String> runningNodes() {
        try {
            String json = nodes.get(aRunningNode() - 1).rabbitmqctl("cluster_status", "--formatter", "json");
            List<String> running = new ArrayList<>();
            new ObjectMapper().readTree(json.substring(json.indexOf('{'))).get("running_nodes")
                    .forEach(node -> running.add(node.asText()));
            return running;
        } catch (Exception notYet) {
            return List.of();
        }
    }

    /** @return the number (1 to 3) of the node leading the quorum queue, 0 while it has no leader */
    public int leader(String queue) throws Exception {
        for (String line : nodes.get(aRunningNode() - 1).rabbitmqctl("list_queues", "name", "leader").split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 2 && columns[0].equals(queue)) {
                for (int i = 1; i <= nodes.size(); i++) {
                    if (columns[1].equals(node(i))) {
                        return i;
                    }
                }
            }
        }
        return 0;
    }

    /** @return how many client connections node {@code i} has whose name starts with the prefix; 0 when it is stopped */
    public int connections(int i, String prefix) throws Exception {
        if (stopped.contains(i)) {
            return 0;
        }
        // every node lists the whole cluster's connections: those to this node are those to its port
        String json = nodes.get(i - 1).rabbitmqctl("list_connections", "port", "client_properties", "--formatter", "json");
        int count = 0;
        for (JsonNode connection : new ObjectMapper().readTree(json.substring(json.indexOf('[')))) {
            if (connection.get("port").asInt() != port(i)) {
                continue;
            }
            for (JsonNode property : connection.get("client_properties")) {
                if (property.get(0).asText().equals("connection_name") && property.get(2).asText().startsWith(prefix)) {
                    count++;
                }
            }
        }
        return count;
    }

    /** @return the number (1 to 3) of the node that has a connection whose name starts with the prefix, 0 if none */
    public int nodeConnected(String prefix) throws Exception {
        for (int i = 1; i <= nodes.size(); i++) {
            if (connections(i, prefix) > 0) {
                return i;
            }
        }
        return 0;
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // called from the hook itself, or the JVM is already ending: the hook stops the nodes
        }
    }

    /** Stops every node, each even when another fails to stop, and deletes their directories. */
    private synchronized void stopAll() {
        for (SecondNode node : nodes) {
            try {
                node.close();
            } catch (Exception e) {
                System.err.println("Could not stop the cluster node " + node.node() + ": " + e.getMessage());
            }
        }
        nodes.clear();
    }
}
