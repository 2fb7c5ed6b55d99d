package io.warren.it;

import io.warren.it.database.TransactedDatabase;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A transacted MDB that writes to an XA database (the H2 the server ships) in its delivery's
 * transaction: a row is committed exactly for each message acked; a delivery that fails after its
 * insert rolls the row back and gives the message back, whose redelivery commits it once.
 */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class TransactedDatabaseTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    @Deployment(name = "database", order = 2, testable = false)
    static WebArchive app() {
        return Deployments.databaseWar();
    }

    @AfterAll
    static void deleteQueue() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.purge(TransactedDatabase.QUEUE);
            broker.delete(TransactedDatabase.QUEUE + ".dead-letters");
        }
    }

    @Test
    void rowsAreCommittedExactlyForTheAckedMessagesAndAFailedDeliveryCommitsOnceOnItsRedelivery(
            @ArquillianResource @OperateOnDeployment("database") URL base) throws Exception {
        String[] bodies = {"m0", "m1", "fail-2", "m3", "m4", "m5", "fail-6", "m7", "m8", "m9"};
        String expectedRows = "fail-2=1 fail-6=1 m0=1 m1=1 m3=1 m4=1 m5=1 m7=1 m8=1 m9=1";
        try (ItBroker broker = new ItBroker()) {
            broker.purge(TransactedDatabase.QUEUE);
            clear(base);
            broker.publish(TransactedDatabase.QUEUE, bodies);
            ItBroker.await("a committed row for each message", WAIT, () -> expectedRows.equals(read(base, "rows")));
            ItBroker.await("every message acked", WAIT, () -> {
                try {
                    return ItBroker.unacknowledged(TransactedDatabase.QUEUE) == 0
                            && broker.count(TransactedDatabase.QUEUE) == 0;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        assertEquals(expectedRows, read(base, "rows"), "no row of a rolled-back delivery, none twice");
        assertEquals("fail-2=2 fail-6=2 m0=1 m1=1 m3=1 m4=1 m5=1 m7=1 m8=1 m9=1", read(base, "deliveries"),
                "each failing message came back once, the others were not redelivered");
        String log = Files.readString(Path.of(System.getProperty("it.server.log")));
        assertTrue(log.contains("after its transaction completes (a Synchronization)"),
                "Warren took the server's TransactionSynchronizationRegistry");
        assumeTrue(Server.current() != Server.LIBERTY, "Liberty's JDBC wrapper unwraps only to interfaces, as a "
                + "proxy, and has no getConnection(): which H2 connection the MDB wrote through cannot be seen");
        assertTrue(read(base, "connection").contains("JdbcXAConnection"),
                "the MDB wrote through an XA connection: " + read(base, "connection"));
    }

    /**
     * Not a test: with {@code -Dit.measure=N}, the rate of a transacted MDB that inserts a row per
     * message, N messages, measured from the client (publish to last row committed). Run it with this
     * build's warren.rar and with another ({@code -Dwarren.rar=...}) to compare the two designs.
     */
    @Test
    @EnabledIfSystemProperty(named = "it.measure", matches = "\\d+")
    void measureAnMdbWritingToTheDatabase(@ArquillianResource @OperateOnDeployment("database") URL base)
            throws Exception {
        int count = Integer.getInteger("it.measure");
        String[] bodies = new String[count];
        for (int i = 0; i < count; i++) {
            bodies[i] = "load-" + i;
        }
        try (ItBroker broker = new ItBroker()) {
            broker.purge(TransactedDatabase.QUEUE);
            broker.publish(TransactedDatabase.QUEUE, "warm-up");
            ItBroker.await("the warm-up row", WAIT, () -> read(base, "count").equals("1"));
            clear(base);
            long started = System.nanoTime();
            broker.publish(TransactedDatabase.QUEUE, bodies);
            ItBroker.await(count + " rows", Duration.ofMinutes(5), () -> read(base, "count").equals(String.valueOf(count)));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("MDB writing to H2 (XA) in %s with %s: %d messages in %.2f s, %.0f msg/s%n",
                    Server.current(), System.getProperty("warren.rar"), count, seconds, count / seconds);
        }
    }

    private static void clear(URL base) throws Exception {
        HttpResponse<String> response = Http.send(base.toURI().resolve("rest/database/clear"));
        assertEquals(200, response.statusCode(), response.body());
    }

    private static String read(URL base, String what) {
        try {
            HttpResponse<String> response = Http.get(base.toURI().resolve("rest/database/" + what));
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + what + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body().trim();
        } catch (AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
