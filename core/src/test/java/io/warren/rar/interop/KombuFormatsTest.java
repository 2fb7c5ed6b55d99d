package io.warren.rar.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.GetResponse;
import io.warren.Connection;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.TypeRef;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * kombu's optional formats with a real kombu, both ways: the msgpack serializer (off the default
 * accept list on both sides), brotli and zstd compression, and JSON decoded to records with
 * {@code java.time} fields and to generic types. The cases are the 'formats' set of
 * {@code src/test/python/kombu_peer.py}; it needs python3-msgpack, python3-brotli and
 * python3-zstandard, and fails saying so without them.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class KombuFormatsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> KOMBU_CASES = List.of("msgpack", "msgpack-zstd", "json-brotli", "json-zstd",
            "data-brotli", "json-typed", "json-typed-map");

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final KombuPeer kombu = new KombuPeer();

    /** A line of an order, as both sides write it. */
    record Line(String sku, int quantity) {
    }

    /** An order as Python's aware datetime and date arrive through kombu's JSON. */
    record KombuOrder(String id, OffsetDateTime placed, LocalDate due, List<Line> lines) {
    }

    /** An order as a Java service publishes it. */
    record WarrenOrder(String id, Instant placed, LocalDate due, List<Line> lines) {
    }

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private static List<KombuOrder> kombuOrders() {
        return List.of(
                new KombuOrder("o-1", OffsetDateTime.of(2026, 11, 30, 12, 0, 0, 0, ZoneOffset.UTC),
                        LocalDate.of(2026, 12, 7), List.of(new Line("a", 2))),
                new KombuOrder("o-2", OffsetDateTime.of(2026, 12, 1, 8, 30, 15, 250_000_000, ZoneOffset.UTC),
                        LocalDate.of(2027, 1, 2), List.of()));
    }

    /** kombu_peer.py's PACKED: no integers beyond 64 bits (msgpack has none), and bytes, which msgpack keeps. */
    private static Map<String, Object> packed() {
        Map<String, Object> packed = new LinkedHashMap<>();
        packed.put("name", "Zoë ☃ 雪");
        packed.put("long", (1L << 53) + 1);
        packed.put("wide", Long.MIN_VALUE);
        packed.put("float", 2.5);
        packed.put("flag", true);
        packed.put("nothing", null);
        packed.put("bytes", new byte[] {0, (byte) 0xff});
        packed.put("list", List.of(1, "two", List.of(3)));
        packed.put("nested", Map.of("deeper", Map.of("k", "v")));
        return packed;
    }

    private static void assertPacked(Map<?, ?> decoded, String id) {
        Map<String, Object> expected = packed();
        assertArrayEquals((byte[]) expected.remove("bytes"), (byte[]) decoded.get("bytes"), id + ": bytes stay bytes");
        Map<Object, Object> rest = new LinkedHashMap<>(decoded);
        rest.remove("bytes");
        assertEquals(expected, rest, id);
    }

    private String declaredQueue(String hint) {
        String queue = broker.queueName(hint);
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).build());
        }
        return queue;
    }

    @Test
    void kombusMsgpackBrotliZstdAndTypedJsonReachAnMdbThatAcceptsMsgpack() throws Exception {
        String queue = declaredQueue("kombu-formats");
        Map<String, Object> decoded = new ConcurrentHashMap<>();
        Map<String, Message> messages = new ConcurrentHashMap<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            decoded.put(message.messageId(), decode(message));
            messages.put(message.messageId(), message);
        });
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setAccept("json, msgpack, application/data");
        try (Harness.Deployment ignored = harness.deploy(spec, mdb)) {
            assertEquals(KOMBU_CASES, kombu.send(queue, KombuPeer.FORMATS));
            Broker.await("kombu's messages at the MDB", WAIT, () -> decoded.size() == KOMBU_CASES.size());
        }
        assertEquals(new TreeSet<>(KOMBU_CASES), new TreeSet<>(decoded.keySet()));
        assertPacked((Map<?, ?>) decoded.get("msgpack"), "msgpack");
        assertPacked((Map<?, ?>) decoded.get("msgpack-zstd"), "msgpack-zstd");
        assertEquals("application/x-msgpack", messages.get("msgpack").contentType());
        assertEquals("binary", messages.get("msgpack").contentEncoding());
        assertEquals("application/zstd", messages.get("msgpack-zstd").header("compression"));
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("big", BigInteger.TWO.pow(70));
        nested.put("name", "Zoë ☃ 雪");
        for (String id : List.of("json-brotli", "json-zstd")) {
            Map<?, ?> json = (Map<?, ?>) decoded.get(id);
            assertEquals(nested.get("big"), json.get("big"), id);
            assertEquals(nested.get("name"), json.get("name"), id);
        }
        assertEquals("application/x-brotli", messages.get("json-brotli").header("compression"));
        byte[] data = new byte[256];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        assertArrayEquals(data, (byte[]) decoded.get("data-brotli"));
        assertEquals(kombuOrders(), decoded.get("json-typed"));
        Map<String, KombuOrder> byId = new LinkedHashMap<>();
        kombuOrders().forEach(order -> byId.put(order.id(), order));
        assertEquals(byId, decoded.get("json-typed-map"));
    }

    /** What a Warren user asks for per case: generic types through TypeRef, without casts. */
    private static Object decode(Message message) {
        String id = message.messageId();
        if (id.equals("json-typed")) {
            List<KombuOrder> orders = message.payload(new TypeRef<List<KombuOrder>>() { });
            return orders;
        }
        if (id.equals("json-typed-map")) {
            Map<String, KombuOrder> orders = message.payload(new TypeRef<Map<String, KombuOrder>>() { });
            return orders;
        }
        return id.startsWith("data") ? message.payload(byte[].class) : message.payload(Map.class);
    }

    @Test
    void anMdbWithTheDefaultAcceptListDeadLettersKombusMsgpackSayingHowToAcceptIt() throws Exception {
        String queue = declaredQueue("kombu-msgpack-refused");
        Set<String> delivered = ConcurrentHashMap.newKeySet();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            decode(message);
            delivered.add(message.messageId());
        });
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        try (Harness.Deployment ignored = harness.deploy(spec, mdb)) {
            kombu.send(queue, KombuPeer.FORMATS);
            String parking = broker.cleanUpQueue(queue + ".dead-letters");
            Broker.await("both msgpack messages parked, the others delivered", WAIT,
                    () -> parkedCount(parking) == 2 && delivered.size() == KOMBU_CASES.size() - 2);
            for (int i = 0; i < 2; i++) {
                GetResponse dead = broker.get(parking);
                assertTrue(dead.getProps().getMessageId().startsWith("msgpack"), dead.getProps().getMessageId());
                String reason = dead.getProps().getHeaders().get("x-warren-reason").toString();
                assertTrue(reason.contains("'application/x-msgpack' is not accepted")
                        && reason.contains("accept=json,msgpack"), reason);
            }
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
    void aFetchedMsgpackOrBrotliMessageDecodesWithoutAnAcceptList() {
        String queue = declaredQueue("kombu-formats-fetch");
        List<String> sent = kombu.send(queue, KombuPeer.FORMATS);
        Broker.await("kombu's messages in " + queue, WAIT, () -> broker.messageCount(queue) == sent.size());
        Map<String, Object> decoded = new LinkedHashMap<>();
        try (Connection connection = harness.factory().getConnection()) {
            for (int i = 0; i < sent.size(); i++) {
                Message message = connection.fetch(queue).orElseThrow();
                decoded.put(message.messageId(), decode(message));
                message.ack();
            }
        }
        assertPacked((Map<?, ?>) decoded.get("msgpack-zstd"), "msgpack-zstd");
        assertEquals(kombuOrders(), decoded.get("json-typed"));
        assertEquals("Zoë ☃ 雪", ((Map<?, ?>) decoded.get("json-brotli")).get("name"));
    }

    @Test
    void warrensMsgpackZstdAndRecordsDecodeInKombu() {
        String queue = declaredQueue("warren-formats");
        Producer msgpack = harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT)
                .serializer("msgpack").build());
        Producer zstd = harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT)
                .compression("zstd").build());
        msgpack.publish(OutgoingMessage.of(packed()).messageId("msgpack").build());
        msgpack.publish(OutgoingMessage.of(packed()).compression("zstd").messageId("msgpack-zstd").build());
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
        zstd.publish(OutgoingMessage.of(nested).messageId("json-zstd").build());
        List<WarrenOrder> orders = List.of(
                new WarrenOrder("o-1", Instant.parse("2026-11-30T12:00:00Z"), LocalDate.of(2026, 12, 7),
                        List.of(new Line("a", 2))),
                new WarrenOrder("o-2", Instant.parse("2026-12-01T08:30:15.250Z"), LocalDate.of(2027, 1, 2), List.of()));
        harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build())
                .publish(OutgoingMessage.of(orders).messageId("json-typed").build());

        JsonNode report = kombu.receive(queue, 4, KombuPeer.FORMATS);
        assertEquals(4, report.get("received").asInt(), report.toString());
        List<String> problems = new ArrayList<>();
        report.get("results").properties().forEach(result -> result.getValue()
                .forEach(problem -> problems.add(result.getKey() + ": " + problem.asText())));
        if (!problems.isEmpty()) {
            fail("kombu decoded Warren's messages otherwise:\n" + String.join("\n", problems));
        }
        assertEquals(0, broker.messageCount(queue));
    }

    @Test
    void publishingWithBrotliFailsNamingWhatWarrenCompressesWithAndSendsNothing() {
        String queue = declaredQueue("warren-brotli");
        Producer producer = harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build());
        WarrenException refused = assertThrows(WarrenException.class,
                () -> producer.publish(OutgoingMessage.of(Map.of("k", "v")).compression("brotli").build()));
        assertTrue(refused.getMessage().contains("read but not written by Warren")
                && refused.getMessage().contains("zstd (application/zstd)"), refused.getMessage());
        assertEquals(0, broker.messageCount(queue));
    }
}
