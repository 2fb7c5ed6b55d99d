package io.warren.rar.serialization;

import com.fasterxml.jackson.databind.type.TypeFactory;
import io.warren.DecodeException;
import io.warren.TypeRef;
import io.warren.rar.harness.Broker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Generic payload types through TypeRef, records with java.time, and msgpack off the default accept list. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class TypedPayloadTest {

    record Shipment(String id, Instant shipped, LocalDate due, Duration window, List<String> parcels) {
    }

    private final Serializers serializers = Serializers.builtIn();
    private final List<Shipment> shipments = List.of(
            new Shipment("s-1", Instant.parse("2026-12-07T10:15:30.123Z"), LocalDate.of(2026, 12, 24),
                    Duration.ofHours(4), List.of("p-1", "p-2")),
            new Shipment("s-2", Instant.parse("2026-12-08T00:00:00Z"), LocalDate.of(2027, 1, 1), Duration.ZERO, List.of()));

    @Test
    void aListOfRecordsWithJavaTimeRoundTripsThroughJsonAsIsoText() {
        Serializers.Encoded encoded = serializers.encode(shipments, null, "json", null, null);
        String json = new String(encoded.body(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"shipped\":\"2026-12-07T10:15:30.123Z\"") && json.contains("\"due\":\"2026-12-24\""),
                json);
        List<Shipment> decoded = serializers.decode(encoded.body(), encoded.contentType(), encoded.contentEncoding(),
                new TypeRef<List<Shipment>>() { }, Set.of());
        assertEquals(shipments, decoded);
    }

    @Test
    void aMapOfRecordsAndAJacksonJavaTypeDecodeWithoutCasts() {
        byte[] body = serializers.encode(Map.of("a", shipments.get(0)), null, "json", null, null).body();
        Map<String, Shipment> byId = serializers.decode(body, "application/json", null,
                new TypeRef<Map<String, Shipment>>() { }, Set.of());
        assertEquals(Map.of("a", shipments.get(0)), byId);
        TypeRef<Map<String, Shipment>> javaType = TypeRef.of(
                TypeFactory.defaultInstance().constructMapType(Map.class, String.class, Shipment.class));
        assertEquals(byId, serializers.decode(body, "application/json", null, javaType, Set.of()));
    }

    record Stamped(Instant at, java.time.OffsetDateTime offset, java.time.ZonedDateTime zoned) {
    }

    @Test
    void pythonsIsoformatOfAnAwareDatetimeDecodesToEachJavaTimeType() {
        String iso = "\"2026-11-30T12:00:00.250000+00:00\"";
        byte[] body = ("{\"at\":" + iso + ",\"offset\":" + iso + ",\"zoned\":" + iso + "}").getBytes(StandardCharsets.UTF_8);
        Stamped stamped = serializers.decode(body, "application/json", null, Stamped.class, Set.of());
        Instant expected = Instant.parse("2026-11-30T12:00:00.250Z");
        assertEquals(expected, stamped.at());
        assertEquals(expected, stamped.offset().toInstant());
        assertEquals(expected, stamped.zoned().toInstant());
    }

    @Test
    void msgpackRoundTripsRecordsAndIsBinary() {
        Serializers.Encoded encoded = serializers.encode(shipments, null, "msgpack", null, null);
        assertEquals("application/x-msgpack", encoded.contentType());
        assertEquals("binary", encoded.contentEncoding(), "kombu would read msgpack's strings as bytes otherwise");
        assertEquals(shipments, serializers.decode(encoded.body(), encoded.contentType(), encoded.contentEncoding(),
                new TypeRef<List<Shipment>>() { }, Set.of()));
    }

    @Test
    void msgpackIsOffTheDefaultAcceptListAndTheRefusalSaysHowToAcceptIt() {
        assertTrue(serializers.contentTypes().contains("application/x-msgpack"));
        assertTrue(!serializers.defaultAccepted().contains("application/x-msgpack")
                && serializers.defaultAccepted().contains("application/json"), serializers.defaultAccepted().toString());
        byte[] body = serializers.encode(Map.of("k", "v"), null, "msgpack", null, null).body();
        DecodeException refused = assertThrows(DecodeException.class, () -> serializers.decode(body,
                "application/x-msgpack", "binary", Map.class, serializers.defaultAccepted()));
        assertTrue(refused.getMessage().contains("accept=json,msgpack"), refused.getMessage());
    }

    @Test
    void aSerializerThatKnowsOnlyClassesRefusesAGenericTypeNamingIt() {
        DecodeException refused = assertThrows(DecodeException.class, () -> serializers.decode(
                "x".getBytes(StandardCharsets.UTF_8), "text/plain", null, new TypeRef<List<String>>() { }, Set.of()));
        assertTrue(refused.getMessage().contains("java.util.List<java.lang.String>")
                && refused.getMessage().contains("decodes to classes only"), refused.getMessage());
        assertEquals("x", serializers.decode("x".getBytes(StandardCharsets.UTF_8), "text/plain", null,
                new TypeRef<String>() { }, Set.of()), "a plain class goes to the class decoder");
    }

    @Test
    void aTypeRefWithoutItsTypeArgumentIsRefusedSayingHowToWriteIt() {
        @SuppressWarnings("rawtypes")
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new TypeRef() { });
        assertTrue(refused.getMessage().contains("new TypeRef<List<Order>>() { }"), refused.getMessage());
    }
}
