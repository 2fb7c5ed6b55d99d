package io.warren.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Payara Server 6 (unpacked into bench/target by the {@code payara} profile of bench/pom.xml) for
 * the {@link PayaraClient} contenders: a fresh domain of its own each run, its ports based at
 * {@value #PORT_BASE} (HTTP {@value #HTTP_PORT}, admin {@value #ADMIN_PORT}: clear of a default
 * Payara, of WildFly offset or not, and of the examples' 82xx), warren.rar deployed as
 * {@code warren} and a connection pool of {@value WarrenClient#POOL} bound at
 * {@value #RESOURCE}; and an idle queue ({@value #IDLE_QUEUE}) for the MDB of an application
 * deployed only to publish. Stopped on {@link #close()} and at JVM exit, killed when it does not stop
 * within 30 s.
 */
final class PayaraServer implements AutoCloseable {

    static final String PAYARA_VERSION = "6.2025.9";
    static final int PORT_BASE = 8400;
    static final int HTTP_PORT = PORT_BASE + 80;
    static final int ADMIN_PORT = PORT_BASE + 48;
    /** The connector resource: Payara's global JNDI name, which the bench WAR maps the EJB's lookup to. */
    static final String RESOURCE = "warren/ConnectionFactory";
    static final String IDLE_QUEUE = "warren.bench.payara.idle";
    private static final String DOMAIN = "warren-bench";
    private static final String POOL = "warren-bench-pool";

    private final Path home = Path.of("bench/target/payara6").toAbsolutePath();
    private final Path domainDir = home.resolve("glassfish/domains/" + DOMAIN);
    private final Path log = domainDir.resolve("logs/server.log");
    private final Thread stopAtExit = new Thread(this::stop, "payara-stop");
    private final Set<String> deployed = new HashSet<>();
    private final Connection broker;
    private ProcessHandle server;
    /** Whether this run has asked for a server: only then is the domain's process ours to stop. */
    private boolean starting;

    PayaraServer() throws Exception {
        if (!Files.isExecutable(home.resolve("bin/asadmin"))) {
            throw new IllegalStateException(home + " is missing: run the bench with -Dbench.payara=true, "
                    + "whose profile unpacks Payara there");
        }
        Path rar = Path.of("rar/target/warren.rar").toAbsolutePath();
        if (!Files.isRegularFile(rar)) {
            throw new IllegalStateException(rar + " is missing: mvn -B install -DskipTests at the root first");
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        broker = factory.newConnection("warren-bench-payara-admin");
        try {
            long began = System.nanoTime();
            // a fresh domain: nothing deployed or configured by an earlier (perhaps killed) run
            deleteDomain();
            asadmin(false, "create-domain", "--nopassword=true", "--portbase", Integer.toString(PORT_BASE), DOMAIN);
            addJvmOptions(System.getenv().getOrDefault("BENCH_PAYARA_JVM", ""));
            Runtime.getRuntime().addShutdownHook(stopAtExit);
            start();
            Path script = Path.of("bench/target/configure-payara.asadmin").toAbsolutePath();
            // the shape of examples-ear/payara/configure-warren.asadmin; host on the adapter for the MDB's side too
            Files.writeString(script, """
                    create-resource-adapter-config --property host=127.0.0.1 warren
                    deploy --name warren %s
                    create-connector-connection-pool --raname warren --connectiondefinition io.warren.ConnectionFactory --transactionsupport LocalTransaction --steadypoolsize 0 --maxpoolsize %d --property host=127.0.0.1:connectionName=warren-bench-payara %s
                    create-connector-resource --poolname %s %s
                    """.formatted(rar, WarrenClient.POOL, POOL, POOL, RESOURCE));
            String output = asadmin(true, "multimode", "--file", script.toString());
            // multimode goes on after a failed command and may still exit with 0: its output tells
            if (output.lines().anyMatch(line -> line.startsWith("Command ") && line.contains(" failed"))) {
                throw new IllegalStateException("configuring Payara failed: " + output + " (see " + log + ")");
            }
            Bench.log(String.format("Payara %s started and configured in %.1f s (HTTP %d, admin %d)", PAYARA_VERSION,
                    (System.nanoTime() - began) / 1e9, HTTP_PORT, ADMIN_PORT));
        } catch (Exception e) {
            // a half-started server is stopped too, and the broker connection closed
            close();
            throw e;
        }
    }

    /**
     * BENCH_PAYARA_JVM adds options to Payara's JVM (a flight recording, say), written into the
     * fresh domain's server-config before it starts.
     */
    private void addJvmOptions(String options) throws IOException {
        if (options.isBlank()) {
            return;
        }
        Path domainXml = domainDir.resolve("config/domain.xml");
        String xml = Files.readString(domainXml);
        int javaConfig = xml.indexOf("<java-config", xml.indexOf("<config name=\"server-config\""));
        int insertAt = xml.indexOf('>', javaConfig) + 1;
        StringBuilder added = new StringBuilder();
        for (String option : options.trim().split("\\s+")) {
            added.append("\n        <jvm-options>").append(option).append("</jvm-options>");
        }
        Files.writeString(domainXml, xml.substring(0, insertAt) + added + xml.substring(insertAt));
    }

    /** The base of HTTP requests to an application deployed with that context root. */
    String base(String contextRoot) {
        return "http://127.0.0.1:" + HTTP_PORT + "/" + contextRoot + "/";
    }

    Path log() {
        return log;
    }

    /** Deploys (or redeploys) the archive as {@code name}, at the context root {@code name}. */
    synchronized void deploy(Path archive, String name) throws Exception {
        asadmin(true, "deploy", "--force=true", "--name", name, "--contextroot", name, archive.toString());
        deployed.add(name);
    }

    synchronized boolean deployed(String name) {
        return deployed.contains(name);
    }

    synchronized void undeploy(String name) throws Exception {
        deployed.remove(name);
        asadmin(true, "undeploy", name);
    }

    /**
     * Declares the idle queue anew: it expires 10 minutes after its last use, so that a run that
     * was killed leaves nothing behind for long.
     */
    void declareIdleQueue() throws IOException {
        try (Channel channel = broker.createChannel()) {
            channel.queueDeclare(IDLE_QUEUE, false, false, false, Map.of("x-expires", 600_000));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }

    private void start() throws Exception {
        starting = true;
        try {
            asadmin(false, "start-domain", DOMAIN);
        } catch (IllegalStateException e) {
            // under CPU load Payara's start-up sometimes dies of a race among its own services (an NPE in
            // TransactionServiceConfigListener; payara/Payara#4395); the same domain then starts
            if (running().isPresent()) {
                throw e;
            }
            Bench.log("Payara died while starting: starting it once more");
            asadmin(false, "start-domain", DOMAIN);
        }
        server = running().orElseThrow(() -> new IllegalStateException("Payara started but is not running; see " + log));
    }

    /** The domain's server process, when one runs (a dead domain's pid file may name another process). */
    private Optional<ProcessHandle> running() {
        return pid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(domainDir.toString()));
    }

    private Optional<Long> pid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(domainDir.resolve("config/pid")).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Runs asadmin, against the bench domain's admin port when {@code remote}; fails on a non-zero exit. */
    private String asadmin(boolean remote, String... arguments) throws Exception {
        return asadmin(3 * 60, remote, arguments);
    }

    /** As above, failing (and killing asadmin) after that many seconds. */
    private String asadmin(int seconds, boolean remote, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/asadmin").toString()));
        if (remote) {
            command.addAll(List.of("--host", "127.0.0.1", "--port", Integer.toString(ADMIN_PORT)));
        }
        command.addAll(List.of(arguments));
        // into a file, not a pipe: reading a pipe to its end would wait out an asadmin that hangs
        Path out = Files.createTempFile(home.getParent(), "asadmin", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            // asadmin reads nothing from us; an open stdin would keep multimode waiting for commands
            process.getOutputStream().close();
            boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            String output = Files.readString(out);
            if (!ended || process.exitValue() != 0) {
                throw new IllegalStateException("asadmin " + String.join(" ", arguments)
                        + (ended ? " failed: " : " did not end within " + seconds + " s: ") + output + " (see " + log + ")");
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Stops the domain, killing it when it has not stopped within 30 s. */
    private synchronized void stop() {
        if (server == null && starting) {
            // a start that failed half-way may still have left a server
            server = running().orElse(null);
        }
        if (server == null || !server.isAlive()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            asadmin(30, false, "stop-domain", DOMAIN);
        } catch (Exception e) {
            Bench.log("Payara did not take stop-domain (" + e.getMessage() + "): killing it");
        }
        try {
            server.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    private void deleteDomain() throws IOException {
        if (!Files.exists(domainDir)) {
            return;
        }
        if (running().isPresent()) {
            throw new IllegalStateException("a Payara of an earlier run still runs the domain " + domainDir
                    + ": stop it (pid in config/pid)");
        }
        try (Stream<Path> files = Files.walk(domainDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
            try {
                Runtime.getRuntime().removeShutdownHook(stopAtExit);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs anyway
            }
        } finally {
            // after the server: no MDB left consuming it
            try (Channel channel = broker.createChannel()) {
                channel.queueDelete(IDLE_QUEUE);
            } finally {
                broker.close();
            }
        }
    }
}
