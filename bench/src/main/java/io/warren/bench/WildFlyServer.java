package io.warren.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * WildFly 37 (unpacked into bench/target by the {@code wildfly} profile of bench/pom.xml) with
 * warren.rar deployed and its connection factory configured (pool {@value WarrenClient#POOL}),
 * for the contenders that run inside it ({@link WildFlyClient}, {@link ArtemisMdb}). Runs
 * standalone-full (Artemis included) with its ports offset by {@value #PORT_OFFSET}, and is shut
 * down at the end of the run or at the bench JVM's exit.
 */
final class WildFlyServer implements AutoCloseable {

    static final String WILDFLY_VERSION = "37.0.1.Final";
    static final int PORT_OFFSET = 200;
    /** The Artemis queue of the JMS reference contender, transient like the bench's RabbitMQ queues. */
    static final String JMS_QUEUE = "java:/jms/queue/warrenBench";
    private static final String JMS_QUEUE_RESOURCE = "/subsystem=messaging-activemq/server=default/jms-queue=warrenBench";
    private static final String CONTROLLER = "127.0.0.1:" + (9990 + PORT_OFFSET);
    static final String HTTP = "http://127.0.0.1:" + (8080 + PORT_OFFSET) + "/";

    private final Path target = Path.of("bench/target");
    private final Path home = target.resolve("wildfly-" + WILDFLY_VERSION).toAbsolutePath();
    private final Path console = target.resolve("wildfly-console.log").toAbsolutePath();
    private final BenchApp app = new BenchApp("WildFly", HTTP, this::logs);
    private final Thread stopAtExit = new Thread(this::stopServer, "wildfly-stop");
    private Process server;

    WildFlyServer() throws Exception {
        if (!Files.isExecutable(home.resolve("bin/standalone.sh"))) {
            throw new IllegalStateException(home + " is missing: run the bench with -Dbench.wildfly=true, "
                    + "whose profile unpacks WildFly there");
        }
        Path rar = Path.of("rar/target/warren.rar").toAbsolutePath();
        if (!Files.isRegularFile(rar)) {
            throw new IllegalStateException(rar + " is missing: mvn -B install -DskipTests at the root first");
        }
        configure();
        Runtime.getRuntime().addShutdownHook(stopAtExit);
        start();
        cli("deploy " + rar + " --force");
    }

    /** The bench's applications in this server, over HTTP. */
    BenchApp app() {
        return app;
    }

    /** Where to look when something in WildFly failed. */
    String logs() {
        return console + " and " + home.resolve("standalone/log");
    }

    /**
     * Deploys a WAR of the bench's classes in these packages (directories under bench/target/classes)
     * and these text files.
     */
    void deploy(String name, List<String> packages, Map<String, String> files) throws Exception {
        Path war = target.resolve(name).toAbsolutePath();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            for (String packageDirectory : packages) {
                try (Stream<Path> classes = Files.list(Path.of("bench/target/classes").resolve(packageDirectory))) {
                    for (Path file : classes.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                        zip.putNextEntry(new ZipEntry("WEB-INF/classes/" + packageDirectory + "/" + file.getFileName()));
                        Files.copy(file, zip);
                        zip.closeEntry();
                    }
                }
            }
            for (Map.Entry<String, String> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        cli("deploy " + war + " --force");
    }

    void undeploy(String name) throws Exception {
        cli("undeploy " + name);
    }

    /** Messages in the JMS reference contender's Artemis queue, delivered or not. */
    long jmsQueueMessages() throws Exception {
        String answer = cli(JMS_QUEUE_RESOURCE + ":read-attribute(name=message-count)");
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("\"result\" => (\\d+)L").matcher(answer);
        if (!count.find()) {
            throw new IllegalStateException("no message count in WildFly's answer: " + answer);
        }
        return Long.parseLong(count.group(1));
    }

    void removeJmsQueueMessages() throws Exception {
        cli(JMS_QUEUE_RESOURCE + ":remove-messages");
    }

    /** Heap used after a full collection in WildFly's JVM, in MiB. */
    double heapUsedAfterGc() throws Exception {
        // one CLI run for both: between two runs (a JVM start each) the server allocates tens of MB anew
        String answer = run(List.of(home.resolve("bin/jboss-cli.sh").toString(), "--connect", "--controller=" + CONTROLLER,
                "--commands=/core-service=platform-mbean/type=memory:gc,"
                        + "/core-service=platform-mbean/type=memory:read-attribute(name=heap-memory-usage)"),
                "reading WildFly's heap");
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("\"used\" => (\\d+)L").matcher(answer);
        if (!used.find()) {
            throw new IllegalStateException("no heap figure in WildFly's answer: " + answer);
        }
        return Long.parseLong(used.group(1)) / 1048576.0;
    }

    /** Offline, before start: the adapter's configuration, the JMS queue, and no deployment left from an earlier run. */
    private void configure() throws Exception {
        Path script = target.resolve("configure-wildfly.cli").toAbsolutePath();
        Files.writeString(script, """
                embed-server --server-config=standalone-full.xml --std-out=discard
                for name in :read-children-names(child-type=deployment)
                  undeploy $name
                done
                if (outcome != success) of /subsystem=resource-adapters/resource-adapter=warren:read-resource
                  /subsystem=resource-adapters/resource-adapter=warren:add(archive=warren.rar, transaction-support=LocalTransaction)
                  /subsystem=resource-adapters/resource-adapter=warren/config-properties=host:add(value=127.0.0.1)
                  /subsystem=resource-adapters/resource-adapter=warren/connection-definitions=default:add(class-name=io.warren.rar.outbound.WarrenManagedConnectionFactory, jndi-name=java:/warren/ConnectionFactory, min-pool-size=0, max-pool-size=%d)
                  /subsystem=resource-adapters/resource-adapter=warren/connection-definitions=default/config-properties=connectionName:add(value=warren-bench)
                end-if
                if (outcome != success) of %s:read-resource
                  %s:add(entries=[%s], durable=false)
                end-if
                stop-embedded-server
                """.formatted(WarrenClient.POOL, JMS_QUEUE_RESOURCE, JMS_QUEUE_RESOURCE, JMS_QUEUE));
        run(List.of(home.resolve("bin/jboss-cli.sh").toString(), "--file=" + script), "configuring WildFly");
    }

    private void start() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/standalone.sh").toString(), "-c", "standalone-full.xml",
                "-Djboss.socket.binding.port-offset=" + PORT_OFFSET, "-b", "127.0.0.1", "-bmanagement", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(console.toFile());
        // BENCH_WILDFLY_JVM adds options to WildFly's JVM: a flight recording, say
        builder.environment().put("JBOSS_JAVA_SIZING", ("-Xms64m -Xmx768m "
                + System.getenv().getOrDefault("BENCH_WILDFLY_JVM", "")).trim());
        builder.environment().put("JBOSS_HOME", home.toString());
        server = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            String output = Files.exists(console) ? Files.readString(console) : "";
            if (output.contains("WFLYSRV0025")) {
                return;
            }
            if (output.contains("WFLYSRV0026") || !server.isAlive() || System.nanoTime() > deadline) {
                stopServer();
                throw new IllegalStateException("WildFly did not start cleanly; see " + console);
            }
            LockSupport.parkNanos(200_000_000);
        }
    }

    /** @return what the CLI printed */
    private String cli(String command) throws Exception {
        return run(List.of(home.resolve("bin/jboss-cli.sh").toString(), "--connect", "--controller=" + CONTROLLER,
                "--command=" + command), command);
    }

    private String run(List<String> command, String what) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JBOSS_HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(what + " failed: " + output + " (see " + console + ")");
        }
        return output;
    }

    /** Shuts WildFly down, killing it (and its children) when it does not stop within 30 s. */
    private synchronized void stopServer() {
        if (server == null || !server.isAlive()) {
            return;
        }
        try {
            cli(":shutdown");
        } catch (Exception e) {
            Bench.log("WildFly did not take :shutdown (" + e.getMessage() + "): killing it");
        }
        try {
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.descendants().forEach(ProcessHandle::destroyForcibly);
                server.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stopServer();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
    }
}
