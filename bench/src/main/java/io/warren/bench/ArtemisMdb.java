package io.warren.bench;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

/**
 * The reference a WildFly user would otherwise pick: a JMS MDB on WildFly's embedded ActiveMQ
 * Artemis, consuming a queue filled inside WildFly with non-persistent messages of the same sizes,
 * with as many sessions as the Warren MDB has consumers. Two of these, as for Warren: the MDB with
 * {@code Required} (Artemis's XA session enlisted in the delivery's transaction: the ack commits
 * with it) and with {@code NotSupported} (acked when onMessage returns). Reported, not a target: no
 * network hop and no broker process of its own. Consumption only; rate from the first delivery to
 * the last.
 */
final class ArtemisMdb implements Contender {

    static final String NAME = "JMS MDB on Artemis in WildFly";
    static final String NAME_NOT_TRANSACTED = NAME + ", not transacted";
    private static final String FILL_WAR = "jms-fill.war";
    private static final String MDB_WAR = "jms-mdb.war";

    private final WildFlyServer server;
    private final String transaction;
    private final Fill fill;

    private ArtemisMdb(WildFlyServer server, String transaction, Fill fill) {
        this.server = server;
        this.transaction = transaction;
        this.fill = fill;
    }

    /** The transacted and the not transacted MDB, sharing the application that fills the queue. */
    static List<Contender> both(WildFlyServer server) {
        Fill fill = new Fill(server);
        return List.of(new ArtemisMdb(server, WildFlyClient.TRANSACTED, fill),
                new ArtemisMdb(server, WildFlyClient.NOT_TRANSACTED, fill));
    }

    @Override
    public String name() {
        return transaction.equals(WildFlyClient.TRANSACTED) ? NAME : NAME_NOT_TRANSACTED;
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
        fill.fill(size, count);
        deploy(consumers);
        try {
            return server.app().awaitDeliveries("jms-mdb/jms/deliveries", count, "the JMS MDB in WildFly");
        } finally {
            server.undeploy(MDB_WAR);
            // as Admin.settle for the broker's queue: a message left unacked would be counted by the next run
            long left = server.jmsQueueMessages();
            if (left != 0) {
                Bench.log("WARNING: " + left + " messages back in Artemis's queue after " + name() + " consumed: removed");
                server.removeJmsQueueMessages();
            }
        }
    }

    /**
     * The MDB with this contender's transaction attribute and {@code maxSession} as many as the
     * Warren MDB's consumers. With {@code Required}, Artemis's resource adapter enlists its XA
     * session; its {@code useLocalTx} is no alternative there (it then acks on a local session that
     * nothing commits: the messages come back when the MDB stops).
     */
    private void deploy(int consumers) throws Exception {
        server.deploy(MDB_WAR, List.of("io/warren/bench/wildfly/jms/mdb"), Map.of("WEB-INF/ejb-jar.xml",
                EjbJarXml.of("", "JmsMdb",
                WildFlyClient.property("maxSession", Integer.toString(consumers)), transaction)));
    }

    @Override
    public double[] latency(String queue, int size, int rate, double seconds, int prefetch) {
        return null;
    }

    @Override
    public void close() throws Exception {
        if (transaction.equals(WildFlyClient.TRANSACTED)) {
            fill.close();
        }
    }

    /** The application that fills Artemis's queue, deployed once for both MDBs (no MDB consumes while it fills). */
    private static final class Fill {

        private final WildFlyServer server;
        private boolean deployed;

        Fill(WildFlyServer server) {
            this.server = server;
        }

        void fill(int size, int count) throws Exception {
            if (!deployed) {
                server.deploy(FILL_WAR, List.of("io/warren/bench/wildfly/jms/fill"), Map.of());
                deployed = true;
            }
            server.app().numbers(server.app().request("jms-fill/jms/fill?size=" + size + "&count=" + count)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
        }

        void close() throws Exception {
            if (deployed) {
                server.undeploy(FILL_WAR);
                deployed = false;
            }
        }
    }
}
