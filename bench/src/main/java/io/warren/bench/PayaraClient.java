package io.warren.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Warren in Payara Server 6 ({@link PayaraServer}), doing what {@link WildFlyClient} does in
 * WildFly with the same application ({@code io.warren.bench.wildfly.app}): an EJB publishing
 * through the server's pool, driven over HTTP by as many concurrent requests as the scenario has
 * threads; an MDB with the given transaction attribute deployed on the scenario's queue for each
 * consumption run. Two of them share one server: Required (ack when the transaction commits) and
 * NotSupported (ack when onMessage returns). Publishing does not depend on the MDB's attribute, so
 * only the transacted one publishes. Takes no part in the latency scenario.
 */
final class PayaraClient implements Contender {

    private static final String APP = "bench";
    private static final String APP_PACKAGE = "io/warren/bench/wildfly/app";

    private final PayaraServer server;
    private final String transaction;
    private final BenchApp app;
    private final Path war;

    /** @param transaction the MDB's trans-attribute: Required or NotSupported */
    PayaraClient(PayaraServer server, String transaction) {
        if (!transaction.equals("Required") && !transaction.equals("NotSupported")) {
            throw new IllegalArgumentException("the MDB's transaction is Required or NotSupported, not " + transaction);
        }
        this.server = server;
        this.transaction = transaction;
        this.app = new BenchApp("Payara", server.base(APP) + "bench/", () -> server.log().toString());
        this.war = Path.of("bench/target/bench-payara-" + transaction + ".war").toAbsolutePath();
    }

    /** The transacted contender and the not transacted one, on that server. */
    static List<Contender> both(PayaraServer server) {
        return List.of(new PayaraClient(server, "Required"), new PayaraClient(server, "NotSupported"));
    }

    @Override
    public String name() {
        return transaction.equals("Required") ? "Warren in Payara" : "Warren in Payara, not transacted";
    }

    @Override
    public Double publish(Publishing run) throws Exception {
        if (!transaction.equals("Required")) {
            return null;
        }
        if (!server.deployed(APP)) {
            // the application's MDB needs a queue that exists; it idles there while the EJB publishes
            server.declareIdleQueue();
            deploy(PayaraServer.IDLE_QUEUE);
        }
        return app.publish("publish", run);
    }

    @Override
    public Double consume(String queue, int size, int count, int consumers, int prefetch) throws Exception {
        if (consumers != Bench.CONSUMERS || prefetch != Bench.PREFETCH) {
            throw new IllegalArgumentException("the bench MDB is written for " + Bench.CONSUMERS + " consumers at prefetch "
                    + Bench.PREFETCH);
        }
        deploy(queue);
        try {
            return app.awaitDeliveries("deliveries", count, "the MDB in Payara");
        } finally {
            // what the MDB took is acked when onMessage returns or its transaction commits; undeploying sends the last acks
            server.undeploy(APP);
        }
    }

    @Override
    public double[] latency(String queue, int size, int rate, double seconds, int prefetch) {
        return null;
    }

    /** Deploys the bench application with its MDB on that queue (which must exist). */
    private void deploy(String queue) throws Exception {
        writeWar(queue);
        server.deploy(war, APP);
    }

    /**
     * The classes of {@code io.warren.bench.wildfly.app} alone, and descriptors: the MDB's
     * activation and transaction, its binding to the standalone adapter {@code warren}
     * (glassfish-ejb-jar.xml); and the EJB's {@code @Resource(lookup = "java:/warren/ConnectionFactory")},
     * a WildFly name, mapped to the connector resource Payara has ({@value PayaraServer#RESOURCE}).
     */
    private void writeWar(String queue) throws IOException {
        Path classes = Path.of("bench/target/classes").resolve(APP_PACKAGE);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            try (Stream<Path> files = Files.list(classes)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                    zip.putNextEntry(new ZipEntry("WEB-INF/classes/" + APP_PACKAGE + "/" + file.getFileName()));
                    Files.copy(file, zip);
                    zip.closeEntry();
                }
            }
            entry(zip, "WEB-INF/ejb-jar.xml", EjbJarXml.of("""
                        <session>
                          <ejb-name>Publisher</ejb-name>
                          <resource-ref>
                            <res-ref-name>io.warren.bench.wildfly.app.Publisher/factory</res-ref-name>
                            <res-type>io.warren.ConnectionFactory</res-type>
                            <lookup-name>%s</lookup-name>
                          </resource-ref>
                        </session>
                    """.formatted(PayaraServer.RESOURCE), "BenchMdb", property("queue", queue)
                    + property("declare", "false") + property("concurrency", Integer.toString(Bench.CONSUMERS))
                    + property("prefetch", Integer.toString(Bench.PREFETCH)), transaction));
            // as an activation property, resourceAdapter would also be set on the activation spec, whose
            // setResourceAdapter takes a ResourceAdapter: Payara fails the deployment
            entry(zip, "WEB-INF/glassfish-ejb-jar.xml", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <!DOCTYPE glassfish-ejb-jar PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 EJB 3.1//EN" "http://glassfish.org/dtds/glassfish-ejb-jar_3_1-1.dtd">
                    <glassfish-ejb-jar>
                      <enterprise-beans>
                        <ejb>
                          <ejb-name>BenchMdb</ejb-name>
                          <mdb-resource-adapter><resource-adapter-mid>warren</resource-adapter-mid></mdb-resource-adapter>
                        </ejb>
                      </enterprise-beans>
                    </glassfish-ejb-jar>
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
}
