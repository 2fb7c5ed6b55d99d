package io.warren.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import io.warren.it.app.Queues;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The message a real kombu publishes (Debian's python3-kombu, {@code src-it/src/test/python/kombu_publish.py})
 * reaches an MDB in the server with its integer headers beyond 32 bits as {@code Long}s (issue #31). py-amqp
 * writes them with the table type 'L', which the plain RabbitMQ Java client cannot read at all: the test shows
 * that too, on a queue of its own, so that a broker or a py-amqp that stopped writing 'L' would be noticed
 * rather than make the MDB's half pass for the wrong reason. The same message compressed with zstd then shows
 * that zstd-jni's native library loads inside the server's class loader for the adapter (docs/interop.md). A
 * kombu that cannot run fails the test, saying how to install it; it never skips.
 */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class KombuMdbTest extends Deployments.StandaloneAppDeployedByTheTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Read by the plain client only: never consumed by an MDB. */
    private static final String PLAIN = "warren.it.kombu.plain";
    private static final Map<String, Long> WIDE = Map.of("ts", 1733560000000L, "big", 1L << 40, "neg", -(1L << 40));

    private final ObjectMapper json = new ObjectMapper();

    // not managed: undeployed inside the test, so that @AfterAll deletes the queues after the MDB is gone
    // (a queue deleted under a running MDB is declared again when its consumer comes back)
    @ArquillianResource
    Deployer deployer;

    @BeforeAll
    static void freshQueues() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            // the MDB's queue is declared by its activation; one left by an earlier run may hold old messages
            broker.delete(Queues.KOMBU, Queues.KOMBU + ".dead-letters");
            broker.resetQueues(Queues.KOMBU_DONE, PLAIN);
        }
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.delete(Queues.KOMBU, Queues.KOMBU + ".dead-letters", Queues.KOMBU_DONE, PLAIN);
        }
    }

    @Test
    void anMdbReceivesKombusIntegerHeadersBeyond32BitsAsLongs() throws Exception {
        deployer.deploy("rar");
        try {
            deployer.deploy("app");
            try {
                receiveKombusMessage();
                receiveKombusZstdMessage();
            } finally {
                deployer.undeploy("app");
            }
        } finally {
            deployer.undeploy("rar");
        }
    }

    private void receiveKombusMessage() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            // kombu publishes through the default exchange: the queue must exist, which the activation sees to
            ItBroker.await("the kombu MDB's consumer", WAIT, () -> ItBroker.consumersNow(Queues.KOMBU) == 1);
            long published = System.nanoTime();
            JsonNode sent = kombuPublish("kombu-wide-1", Queues.KOMBU);
            for (String name : WIDE.keySet()) {
                assertEquals("L", sent.at("/types/" + name).asText(), "py-amqp's table type for " + name + ": " + sent);
            }
            ItBroker.await("the MDB's report", WAIT, () -> broker.count(Queues.KOMBU_DONE) == 1);
            long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - published);
            GetResponse done = broker.get(Queues.KOMBU_DONE);
            JsonNode report = json.readTree(done.getBody());

            for (Map.Entry<String, Long> wide : WIDE.entrySet()) {
                JsonNode header = report.at("/headers/" + wide.getKey());
                assertEquals(Long.class.getName(), header.at("/type").asText(), "in the MDB: " + report);
                assertEquals(wide.getValue().toString(), header.at("/value").asText(), "in the MDB: " + report);
                // and written back by the MDB's producer as 'l', which the plain client reads as a Long
                assertEquals(wide.getValue(), done.getProps().getHeaders().get(wide.getKey()));
            }
            assertEquals(Integer.class.getName(), report.at("/headers/small/type").asText(), "fits 32 bits: " + report);
            assertEquals("kombu-wide-1", report.at("/messageId").asText());
            assertEquals("application/json", report.at("/contentType").asText());
            assertEquals(1L << 40, report.at("/payload/n").asLong(), "the JSON body, decoded: " + report);
            // the first delivery: the MDB's connection read the frame, rather than failing on it and getting it again
            assertFalse(report.at("/redelivered").asBoolean(), "redelivered: " + report);
            ItBroker.await("the kombu message acked", WAIT,
                    () -> broker.count(Queues.KOMBU) == 0 && ItBroker.unacknowledgedNow(Queues.KOMBU) == 0);
            assertEquals(-1, broker.count(Queues.KOMBU + ".dead-letters"), "nothing dead-lettered");
            System.out.printf("%s: kombu %s (py-amqp %s) published ts, big, neg as 'L'; the MDB received %s, "
                            + "reported %d ms after publishing%n", Server.current(), sent.at("/kombu").asText(),
                    sent.at("/amqp").asText(), report.at("/headers"), elapsed);
        }
    }

    /** The MDB decompresses with zstd-jni, whose native library the server's class loader for the adapter must load. */
    private void receiveKombusZstdMessage() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            kombuPublish(List.of("--compression=zstd"), "kombu-zstd-1", Queues.KOMBU);
            ItBroker.await("the MDB's report of the zstd message", WAIT, () -> broker.count(Queues.KOMBU_DONE) == 1);
            JsonNode report = json.readTree(broker.get(Queues.KOMBU_DONE).getBody());
            assertEquals("kombu-zstd-1", report.at("/messageId").asText());
            assertEquals("application/zstd", report.at("/headers/compression/value").asText(), "compressed: " + report);
            assertEquals(1L << 40, report.at("/payload/n").asLong(), "decompressed and decoded in the server: " + report);
            ItBroker.await("the zstd message acked", WAIT,
                    () -> broker.count(Queues.KOMBU) == 0 && ItBroker.unacknowledgedNow(Queues.KOMBU) == 0);
            assertEquals(-1, broker.count(Queues.KOMBU + ".dead-letters"), "nothing dead-lettered");
        }
    }

    @Test
    void thePlainJavaClientCannotReadTheSameMessage() throws Exception {
        kombuPublish("kombu-wide-plain", PLAIN);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setExceptionHandler(new DefaultExceptionHandler() {
            @Override
            public void handleUnexpectedConnectionDriverException(Connection connection, Throwable exception) {
                // the failure this test expects, asserted below: not logged as an error in the build's output
            }
        });
        Connection connection = factory.newConnection("warren-it (plain client reading kombu)");
        try {
            Channel channel = connection.createChannel();
            GetResponse response = channel.basicGet(PLAIN, false);
            fail("the plain client read kombu's 'L' headers: " + (response == null ? "no message"
                    : response.getProps().getHeaders()) + "; the test's premise no longer holds");
        } catch (IOException expected) {
            StringBuilder causes = new StringBuilder();
            for (Throwable cause = expected; cause != null; cause = cause.getCause()) {
                causes.append(cause).append("; ");
            }
            assertTrue(causes.toString().contains("Unrecognised type in table"), causes.toString());
            assertFalse(connection.isOpen(), "the whole connection failed");
        } finally {
            if (connection.isOpen()) {
                connection.close();
            }
        }
    }

    /**
     * Runs the kombu publisher and waits (bounded) for it: it returns once the broker confirmed the messages.
     *
     * @return its report: the headers sent, the table type py-amqp wrote for each, the versions
     */
    private JsonNode kombuPublish(String messageId, String... queues) throws Exception {
        return kombuPublish(List.of(), messageId, queues);
    }

    /** As {@link #kombuPublish(String, String...)}, with the script's options, e.g. {@code --compression=zstd}. */
    private JsonNode kombuPublish(List<String> options, String messageId, String... queues) throws Exception {
        return KombuPublisher.publish(options, messageId, queues);
    }
}
