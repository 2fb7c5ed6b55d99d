package io.warren.rar.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.GetResponse;
import io.warren.Connection;
import io.warren.DecodeException;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Wire interop with a real kombu (Debian's python3-kombu), both ways, over the real broker. The
 * cases are those of {@code src/test/python/kombu_peer.py}: each message's id names its case.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class KombuInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Map<String, Object> NESTED = nested();
    private static final String TEXT = "plain text — ünïcode ☃";
    private static final String APPLICATION_TEXT = "application text ☃";
    private static final byte[] DATA = data();
    /** What kombu's basic cases decode to in Warren, by case; pickle is refused (msgpack, brotli, zstd: KombuFormatsTest). */
    private static final List<String> DELIVERED = List.of("json-nested", "text", "data", "json-zlib", "json-bzip2",
            "json-lzma", "data-zlib", "json-latin-1", "application-text", "headers", "json-wide-integers", "properties");

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final KombuPeer kombu = new KombuPeer();

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private static Map<String, Object> nested() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("name", "Zoë ☃ 雪");
        nested.put("big", BigInteger.TWO.pow(70));
        nested.put("long", (1L << 53) + 1);
        nested.put("negative", new BigInteger("-12345678901234567890"));
        nested.put("float", 2.5);
        nested.put("flag", true);
        nested.put("nothing", null);
        nested.put("list", List.of(1, "two", List.of(3)));
        nested.put("nested", Map.of("deeper", Map.of("k", "v")));
        return nested;
    }

    private static byte[] data() {
        byte[] data = new byte[256];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        return data;
    }

    /** Every AMQP table type kombu writes, as Warren reads it back, but integers beyond 32 bits ({@link #wideIntegers}). */
    private static Map<String, Object> kombuHeaders() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("string", "héllo");
        headers.put("int", 42);
        headers.put("negative", -7);
        headers.put("float", 2.5);
        headers.put("true", true);
        headers.put("false", false);
        headers.put("none", null);
        headers.put("decimal", new BigDecimal("3.14"));
        headers.put("timestamp", Date.from(Instant.parse("2026-11-30T12:00:00Z")));
        headers.put("list", List.of(1, "two", 2.5));
        headers.put("table", Map.of("inner", "value", "number", 1));
        return headers;
    }

    /**
     * py-amqp writes integers beyond 32 bits with the type 'L', which the Java client alone fails
     * the connection on: they arrive as Longs, in nested tables and arrays too.
     */
    private static Map<String, Object> wideIntegers() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("ts", 1733560000000L);
        headers.put("big", 1L << 40);
        headers.put("neg", -(1L << 40));
        headers.put("table", Map.of("wide", 1L << 62));
        headers.put("list", List.of(-(1L << 62), 1L << 40));
        return headers;
    }

    private String declaredQueue(String hint) {
        String queue = broker.queueName(hint);
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).build());
        }
        return queue;
    }

    @Test
    void kombusMessagesReachAnMdbDecoded() throws Exception {
        String queue = declaredQueue("kombu-to-mdb");
        Map<String, Object> decoded = new ConcurrentHashMap<>();
        Map<String, Message> messages = new ConcurrentHashMap<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            Object payload = decode(message);
            messages.put(message.messageId(), message);
            decoded.put(message.messageId(), payload);
        });
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        try (Harness.Deployment ignored = harness.deploy(spec, mdb)) {
            kombu.send(queue);
            Broker.await("kombu's messages at the MDB", WAIT, () -> decoded.size() == DELIVERED.size());
            String parking = broker.cleanUpQueue(queue + ".dead-letters");
            Broker.await("pickle parked", WAIT, () -> parkedCount(parking) == 1);
            assertDecodedAsKombuSent(decoded, messages);
            GetResponse pickle = broker.get(parking);
            assertEquals("pickle", pickle.getProps().getMessageId());
            String pickleReason = pickle.getProps().getHeaders().get("x-warren-reason").toString();
            assertTrue(pickleReason.contains("application/x-python-serialize") && pickleReason.contains("not accepted"),
                    pickleReason);
        }
    }

    private long parkedCount(String parking) {
        try {
            return broker.messageCount(parking);
        } catch (IllegalStateException notDeclaredYet) {
            return 0;
        }
    }

    @Test
    void kombusMessagesCanBeFetchedAndDecoded() {
        String queue = declaredQueue("kombu-to-fetch");
        List<String> sent = kombu.send(queue);
        Broker.await("kombu's messages in " + queue, WAIT, () -> broker.messageCount(queue) == sent.size());
        Map<String, Object> decoded = new LinkedHashMap<>();
        Map<String, Message> messages = new LinkedHashMap<>();
        try (Connection connection = harness.factory().getConnection()) {
            for (int i = 0; i < sent.size(); i++) {
                Optional<Message> next = connection.fetch(queue);
                Message message = next.orElseThrow(() -> new AssertionError("a message kombu sent is missing"));
                switch (message.messageId()) {
                    case "pickle" -> {
                        DecodeException refused = assertThrows(DecodeException.class, () -> message.payload(Map.class));
                        assertEquals("application/x-python-serialize", refused.contentType());
                    }
                    default -> {
                        decoded.put(message.messageId(), decode(message));
                        messages.put(message.messageId(), message);
                    }
                }
                message.ack();
            }
        }
        assertDecodedAsKombuSent(decoded, messages);
        assertEquals(0, broker.messageCount(queue));
    }

    /** What the Warren side asks for, per case: the type a Warren user would. */
    private static Object decode(Message message) {
        String id = message.messageId();
        if (id.startsWith("json") || id.equals("headers") || id.equals("properties")) {
            return message.payload(Map.class);
        }
        if (id.startsWith("data")) {
            return message.payload(byte[].class);
        }
        return message.payload(String.class);
    }

    private static void assertDecodedAsKombuSent(Map<String, Object> decoded, Map<String, Message> messages) {
        assertEquals(new TreeSet<>(DELIVERED), new TreeSet<>(decoded.keySet()));
        for (String json : List.of("json-nested", "json-zlib", "json-bzip2", "json-lzma")) {
            assertEquals(NESTED, decoded.get(json), json);
            assertEquals("application/json", messages.get(json).contentType(), json);
        }
        assertEquals("application/x-gzip", messages.get("json-zlib").header("compression"));
        assertEquals("application/x-bz2", messages.get("json-bzip2").header("compression"));
        assertEquals("application/x-lzma", messages.get("json-lzma").header("compression"));
        assertEquals(TEXT, decoded.get("text"));
        assertEquals("text/plain", messages.get("text").contentType());
        assertArrayEquals(DATA, (byte[]) decoded.get("data"));
        assertEquals("application/data", messages.get("data").contentType());
        assertEquals("binary", messages.get("data").contentEncoding());
        assertInstanceOf(byte[].class, messages.get("data").payload(Object.class));
        assertArrayEquals(DATA, (byte[]) decoded.get("data-zlib"));
        assertEquals(Map.of("name", "Zoë"), decoded.get("json-latin-1"));
        assertEquals(APPLICATION_TEXT, decoded.get("application-text"));

        Message headers = messages.get("headers");
        Map<String, Object> expected = kombuHeaders();
        assertEquals(expected.keySet(), headers.headers().keySet());
        expected.forEach((name, value) -> assertEquals(value, headers.header(name), "header " + name));

        Message wide = messages.get("json-wide-integers");
        assertEquals(wideIntegers(), wide.headers());
        assertInstanceOf(Long.class, wide.header("big"));
        assertEquals(Map.of("with", "wide integers"), decoded.get("json-wide-integers"));

        Message properties = messages.get("properties");
        assertEquals(7, properties.priority());
        assertEquals("60000", properties.expiration());
        assertEquals("corr-42", properties.correlationId());
        assertEquals("replies.here", properties.replyTo());
        assertEquals(Map.of("with", "properties"), decoded.get("properties"));
        assertTrue(properties.persistent());
        assertNull(properties.header("compression"));
    }

    @Test
    void aPeerThatCannotRunFailsTheTestSayingWhatToInstall() {
        AssertionError failure = assertThrows(AssertionError.class,
                () -> new KombuPeer("/nonexistent/python3").send(broker.queueName("no-peer")));
        assertTrue(failure.getMessage().contains("apt-get install python3-kombu"), failure.getMessage());
    }

    @Test
    void warrensMessagesDecodeInKombuWithItsDefaultAcceptList() {
        String queue = declaredQueue("warren-to-kombu");
        Producer plain = harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build());
        Producer bzip2 = harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT)
                .compression("bzip2").build());
        Map<String, Object> headers = kombuHeaders();
        headers.put("timestamp", Instant.parse("2026-11-30T12:00:00Z"));
        headers.put("long", 1L << 40);
        headers.put("bytes", new byte[] {0, (byte) 0xff});
        List<OutgoingMessage> messages = new ArrayList<>(List.of(
                OutgoingMessage.of(NESTED).messageId("json-nested").build(),
                OutgoingMessage.of(TEXT).serializer("text").messageId("text").build(),
                OutgoingMessage.of(DATA).contentType("application/data").messageId("data").build(),
                OutgoingMessage.of(NESTED).compression("zlib").messageId("json-zlib").build(),
                OutgoingMessage.of(NESTED).compression("lzma").messageId("json-lzma").build(),
                OutgoingMessage.of(DATA).serializer("data").compression("zlib").messageId("data-zlib").build(),
                OutgoingMessage.of(APPLICATION_TEXT).serializer("application/text").messageId("application-text").build(),
                OutgoingMessage.of(Map.of("with", "headers")).headers(headers).messageId("headers").build(),
                OutgoingMessage.of(Map.of("with", "properties")).priority(7).expiration(Duration.ofSeconds(60))
                        .correlationId("corr-42").replyTo("replies.here").messageId("properties").build()));
        messages.forEach(plain::publish);
        bzip2.publish(OutgoingMessage.of(NESTED).messageId("json-bzip2").build());

        JsonNode report = kombu.receive(queue, messages.size() + 1);
        assertEquals(messages.size() + 1, report.get("received").asInt(), report.toString());
        List<String> problems = new ArrayList<>();
        report.get("results").properties().forEach(result -> result.getValue()
                .forEach(problem -> problems.add(result.getKey() + ": " + problem.asText())));
        if (!problems.isEmpty()) {
            fail("kombu decoded Warren's messages otherwise:\n" + String.join("\n", problems));
        }
        assertEquals(0, broker.messageCount(queue));
    }
}
