package io.warren.bench;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

/**
 * The reference a WildFly user would otherwise pick: a JMS MDB (REQUIRED transaction, two
 * sessions) on WildFly's embedded ActiveMQ Artemis, consuming a queue filled inside WildFly with
 * non-persistent messages of the same sizes. Reported, not a target: it has no network hop and no
 * broker process of its own. Consumption only; rate from the first delivery to the last.
 */
final class ArtemisMdb implements Contender {

    static final String NAME = "JMS MDB on Artemis in WildFly";
    private static final String FILL_WAR = "jms-fill.war";
    private static final String MDB_WAR = "jms-mdb.war";

    private final WildFlyServer server;
    private boolean fillerDeployed;

    ArtemisMdb(WildFlyServer server) {
        this.server = server;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** It consumes its own queue in WildFly: the bench's RabbitMQ queue is not filled for it. */
    @Override
    public boolean consumesTheBrokersQueue() {
        return false;
    }

    @Override
    public Double publish(Publishing run) {
        return null;
    }

    @Override
    public Double consume(String queue, int size, int count, int consumers, int prefetch) throws Exception {
        if (!fillerDeployed) {
            server.deploy(FILL_WAR, List.of("io/warren/bench/wildfly/jms/fill"), Map.of());
            fillerDeployed = true;
        }
        server.app().numbers(server.app().request("jms-fill/jms/fill?size=" + size + "&count=" + count)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        server.deploy(MDB_WAR, List.of("io/warren/bench/wildfly/jms/mdb"), Map.of());
        try {
            return server.app().awaitDeliveries("jms-mdb/jms/deliveries", count, "the JMS MDB in WildFly");
        } finally {
            server.undeploy(MDB_WAR);
        }
    }

    @Override
    public double[] latency(String queue, int size, int rate, double seconds, int prefetch) {
        return null;
    }

    @Override
    public void close() throws Exception {
        if (fillerDeployed) {
            server.undeploy(FILL_WAR);
        }
    }
}
