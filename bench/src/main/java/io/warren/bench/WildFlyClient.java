package io.warren.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Warren where users run it: warren.rar deployed in WildFly 37 (unpacked into bench/target by
 * the {@code wildfly} profile of bench/pom.xml), a connection factory with a pool of
 * {@value WarrenClient#POOL}, and a small application ({@code io.warren.bench.wildfly.app}):
 * an EJB publishing through the container's pool, driven over HTTP by as many concurrent
 * requests as the scenario has threads; an MDB with the default REQUIRED transaction
 * (container-managed ack at commit; {@code -Dbench.wildfly.mdbTransaction=NotSupported} for an
 * MDB without one: ack when onMessage returns), deployed on the scenario's queue for each
 * consumption run.
 * Takes no part in the latency scenario. WildFly runs with its ports offset by {@value #PORT_OFFSET}.
 */
final class WildFlyClient implements Contender {

    static final String WILDFLY_VERSION = "37.0.1.Final";
    static final int PORT_OFFSET = 200;
    private static final String CONTROLLER = "127.0.0.1:" + (9990 + PORT_OFFSET);
    private static final String BASE = "http://127.0.0.1:" + (8080 + PORT_OFFSET) + "/bench/bench/";
    private static final String IDLE_QUEUE = "warren.bench.wildfly.idle";
    private static final String APP_PACKAGE = "io/warren/bench/wildfly/app";
    private static final Duration BOUND = Duration.ofMinutes(5);
    /** The MDB's transaction attribute: Required (the default of MDBs) or NotSupported. */
    static final String MDB_TRANSACTION = System.getProperty("bench.wildfly.mdbTransaction", "Required");

    private final Path target = Path.of("bench/target");
    private final Path home = target.resolve("wildfly-" + WILDFLY_VERSION).toAbsolutePath();
    private final Path console = target.resolve("wildfly-console.log").toAbsolutePath();
    private final Path war = target.resolve("bench.war").toAbsolutePath();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Connection broker;
    private final Thread stopAtExit = new Thread(this::stopServer, "wildfly-stop");
    private Process server;
    private String deployedQueue;

    WildFlyClient() throws Exception {
        if (!Files.isExecutable(home.resolve("bin/standalone.sh"))) {
            throw new IllegalStateException(home + " is missing: run the bench with -Dbench.wildfly=true, "
                    + "whose profile unpacks WildFly there");
        }
        Path rar = Path.of("rar/target/warren.rar").toAbsolutePath();
        if (!Files.isRegularFile(rar)) {
            throw new IllegalStateException(rar + " is missing: mvn -B install -DskipTests at the root first");
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        broker = factory.newConnection("warren-bench-wildfly-admin");
        try (Channel channel = broker.createChannel()) {
            channel.queueDeclare(IDLE_QUEUE, false, false, false, null);
        }
        configure();
        Runtime.getRuntime().addShutdownHook(stopAtExit);
        start();
        cli("deploy " + rar + " --force");
    }

    @Override
    public String name() {
        return "Warren in WildFly";
    }

    @Override
    public Double publish(Publishing run) throws Exception {
        if (deployedQueue == null) {
            deploy(IDLE_QUEUE);
        }
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        long asked = System.nanoTime();
        for (int i = 0; i < run.threads(); i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(BASE + "publish?queue=" + run.queue()
                            + "&size=" + run.size() + "&seconds=" + run.seconds() + "&max=" + run.maxPerThread()
                            + "&confirms=" + run.confirms()))
                    .timeout(BOUND).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        long total = 0;
        long start = Long.MAX_VALUE;
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            long[] outcome = numbers(call.get(BOUND.toSeconds(), TimeUnit.SECONDS));
            total += outcome[0];
            start = Math.min(start, outcome[2]);
        }
        // WildFly's System.nanoTime() and ours read the same monotonic clock on Linux; should they not, the
        // request time (earlier by the HTTP hop: WildFly's figure then errs low, never high) stands in
        if (start < asked || start > System.nanoTime()) {
            Bench.log("WildFly's start time is not on this JVM's clock: timing from the HTTP requests instead");
            start = asked;
        }
        return run.arrivals().rate(new Meter.Sent(total, start));
    }

    @Override
    public Double consume(String queue, int size, int count, int consumers, int prefetch) throws Exception {
        if (consumers != Bench.CONSUMERS || prefetch != Bench.PREFETCH) {
            throw new IllegalArgumentException("the bench MDB is written for " + Bench.CONSUMERS + " consumers at prefetch "
                    + Bench.PREFETCH);
        }
        deploy(queue);
        try {
            long deadline = System.nanoTime() + BOUND.toNanos();
            while (true) {
                long[] seen = numbers(http.send(HttpRequest.newBuilder(URI.create(BASE + "deliveries")).GET().build(),
                        HttpResponse.BodyHandlers.ofString()));
                if (seen[0] >= count) {
                    return (count - 1) * 1e9 / seen[1];
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the MDB in WildFly received " + seen[0] + " of " + count
                            + " messages within " + BOUND + "; see " + console + " and " + home.resolve("standalone/log"));
                }
                LockSupport.parkNanos(20_000_000);
            }
        } finally {
            // what the MDB took is acked when its transactions commit; undeploying sends the last acks
            cli("undeploy bench.war");
            deployedQueue = null;
        }
    }

    @Override
    public double[] latency(String queue, int size, int rate, double seconds, int prefetch) {
        return null;
    }

    private static long[] numbers(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("WildFly answered " + response.statusCode() + ": " + response.body());
        }
        String[] parts = response.body().trim().split(" ");
        long[] numbers = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            numbers[i] = Long.parseLong(parts[i]);
        }
        return numbers;
    }

    /** Offline, before start: the adapter's configuration, and no deployment left from an earlier run. */
    private void configure() throws Exception {
        Path script = target.resolve("configure-wildfly.cli").toAbsolutePath();
        Files.writeString(script, """
                embed-server --server-config=standalone-full.xml --std-out=discard
                if (outcome == success) of /deployment=bench.war:read-resource
                  undeploy bench.war
                end-if
                if (outcome == success) of /deployment=warren.rar:read-resource
                  undeploy warren.rar
                end-if
                if (outcome != success) of /subsystem=resource-adapters/resource-adapter=warren:read-resource
                  /subsystem=resource-adapters/resource-adapter=warren:add(archive=warren.rar, transaction-support=LocalTransaction)
                  /subsystem=resource-adapters/resource-adapter=warren/config-properties=host:add(value=127.0.0.1)
                  /subsystem=resource-adapters/resource-adapter=warren/connection-definitions=default:add(class-name=io.warren.rar.outbound.WarrenManagedConnectionFactory, jndi-name=java:/warren/ConnectionFactory, min-pool-size=0, max-pool-size=%d)
                  /subsystem=resource-adapters/resource-adapter=warren/connection-definitions=default/config-properties=connectionName:add(value=warren-bench)
                end-if
                stop-embedded-server
                """.formatted(WarrenClient.POOL));
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

    /** Deploys the bench application with its MDB on that queue (which must exist). */
    private void deploy(String queue) throws Exception {
        writeWar(queue);
        cli("deploy " + war + " --force");
        deployedQueue = queue;
    }

    private void writeWar(String queue) throws IOException {
        Path classes = Path.of("bench/target/classes").resolve(APP_PACKAGE);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            entry(zip, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nDependencies: deployment.warren.rar\n");
            try (Stream<Path> files = Files.list(classes)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                    zip.putNextEntry(new ZipEntry("WEB-INF/classes/" + APP_PACKAGE + "/" + file.getFileName()));
                    Files.copy(file, zip);
                    zip.closeEntry();
                }
            }
            entry(zip, "WEB-INF/ejb-jar.xml", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <ejb-jar xmlns="https://jakarta.ee/xml/ns/jakartaee" version="4.0">
                      <enterprise-beans>
                        <message-driven>
                          <ejb-name>BenchMdb</ejb-name>
                          <activation-config>
                            %s
                          </activation-config>
                        </message-driven>
                      </enterprise-beans>
                      <assembly-descriptor>
                        <container-transaction>
                          <method><ejb-name>BenchMdb</ejb-name><method-name>*</method-name></method>
                          <trans-attribute>%s</trans-attribute>
                        </container-transaction>
                      </assembly-descriptor>
                    </ejb-jar>
                    """.formatted(property("queue", queue) + property("declare", "false")
                    + property("concurrency", Integer.toString(Bench.CONSUMERS))
                    + property("prefetch", Integer.toString(Bench.PREFETCH)), MDB_TRANSACTION));
            entry(zip, "WEB-INF/jboss-ejb3.xml", """
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
                    """);
        }
    }

    private static String property(String name, String value) {
        return "<activation-config-property><activation-config-property-name>" + name
                + "</activation-config-property-name><activation-config-property-value>" + value
                + "</activation-config-property-value></activation-config-property>";
    }

    private static void entry(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    private void cli(String command) throws Exception {
        run(List.of(home.resolve("bin/jboss-cli.sh").toString(), "--connect", "--controller=" + CONTROLLER,
                "--command=" + command), command);
    }

    private void run(List<String> command, String what) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JBOSS_HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException(what + " failed: " + output + " (see " + console + ")");
        }
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
    public void close() throws Exception {
        stopServer();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
        try (Channel channel = broker.createChannel()) {
            channel.queueDelete(IDLE_QUEUE);
        }
        broker.close();
    }
}
