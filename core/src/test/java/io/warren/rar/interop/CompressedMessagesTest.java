package io.warren.rar.interop;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.warren.Connection;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;
import io.warren.rar.serialization.Compression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Warren to Warren with compression, and the decompression limit of an MDB, over the real broker. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class CompressedMessagesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("compressed");

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private void declare() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.named(queue));
        }
    }

    @Test
    void aProducerCompressesEveryMessageUnlessTheMessageAsksOtherwise() {
        declare();
        Producer zlib = harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT)
                .compression("zlib").build());
        Map<String, Object> order = Map.of("id", "o-1", "items", List.of("a".repeat(500), "b".repeat(500)));
        zlib.publish(order);
        zlib.publish(OutgoingMessage.of(order).compression("xz").header("tenant", "acme").build());

        GetResponse first = broker.get(queue);
        assertEquals("application/x-gzip", first.getProps().getHeaders().get("compression").toString());
        assertTrue(first.getBody().length < 200, "compressed on the wire: " + first.getBody().length + " bytes");
        GetResponse second = broker.get(queue);
        assertEquals("application/x-lzma", second.getProps().getHeaders().get("compression").toString());
        assertEquals("acme", second.getProps().getHeaders().get("tenant").toString());
        assertEquals("application/json", second.getProps().getContentType());
    }

    @Test
    void aFetchedCompressedMessageDecodesAndKeepsItsWireBody() {
        declare();
        Producer producer = harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build());
        Map<String, Object> order = Map.of("id", "o-2", "note", "é".repeat(300));
        producer.publish(OutgoingMessage.of(order).compression("bzip2").build());
        Broker.await("the message", WAIT, () -> broker.messageCount(queue) == 1);
        try (Connection connection = harness.factory().getConnection()) {
            Message message = connection.fetch(queue).orElseThrow();
            assertEquals(order, message.payload(Map.class));
            byte[] plain = message.payload(byte[].class);
            assertArrayEquals(Compression.BZIP2.compress(plain), message.body(), "body() is what came over the wire");
            message.ack();
        }
    }

    @Test
    void anUnsupportedCompressionFailsThePublishNamingTheSupportedOnes() {
        declare();
        Producer producer = harness.factory().producer(Producer.to("").routingKey(queue).build());
        WarrenException error = assertThrows(WarrenException.class,
                () -> producer.publish(OutgoingMessage.of("x").compression("snappy").build()));
        assertTrue(error.getMessage().contains("Warren compresses with [zlib"), error.getMessage());
        assertEquals(0, broker.messageCount(queue));
    }

    @Test
    void anMdbDeadLettersABodyThatInflatesPastItsLimitNamingTheLimit() throws Exception {
        List<Object> delivered = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> delivered.add(message.payload(byte[].class)));
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setMaxDecompressedBytes("1048576");
        try (Harness.Deployment ignored = harness.deploy(spec, mdb)) {
            AMQP.BasicProperties zlib = new AMQP.BasicProperties.Builder().contentType("application/data")
                    .contentEncoding("binary").headers(Map.of("compression", "application/x-gzip")).build();
            broker.publish(queue, zlib, Compression.ZLIB.compress(new byte[1024 * 1024]),
                    Compression.ZLIB.compress(new byte[2 * 1024 * 1024]));
            Broker.await("the first message delivered", WAIT, () -> delivered.size() == 1);
            String parking = broker.cleanUpQueue(queue + ".dead-letters");
            Broker.await("the second one parked", WAIT, () -> {
                try {
                    return broker.messageCount(parking) == 1;
                } catch (IllegalStateException notDeclaredYet) {
                    return false;
                }
            });
            Map<String, Object> headers = broker.get(parking).getProps().getHeaders();
            String why = headers.get("x-warren-exception-message").toString();
            assertTrue(why.contains("maxDecompressedBytes (1048576)") && why.contains("zlib"), why);
            assertEquals(1024 * 1024, ((byte[]) delivered.get(0)).length);
        }
    }
}
