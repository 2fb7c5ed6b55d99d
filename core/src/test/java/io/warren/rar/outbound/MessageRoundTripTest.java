package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.DecodeException;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class MessageRoundTripTest {

    record Order(String id, int quantity, List<String> items) {
    }

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("roundtrip");

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private Message publishAndFetch(OutgoingMessage message) {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.named(queue));
        }
        harness.factory().producer(Producer.to("").routingKey(queue).build()).publish(message);
        Broker.await("the message", Duration.ofSeconds(5), () -> broker.messageCount(queue) == 1);
        try (Connection connection = harness.factory().getConnection()) {
            Message fetched = connection.fetch(queue).orElseThrow();
            fetched.ack();
            return fetched;
        }
    }

    @Test
    void jsonIsTheDefault() {
        Order order = new Order("o-1", 3, List.of("a", "b"));
        Message message = publishAndFetch(OutgoingMessage.of(order).build());
        assertEquals("application/json", message.contentType());
        assertEquals("utf-8", message.contentEncoding());
        assertEquals(order, message.payload(Order.class));
        assertEquals(Map.of("id", "o-1", "quantity", 3, "items", List.of("a", "b")), message.payload(Map.class));
        assertEquals("{\"id\":\"o-1\",\"quantity\":3,\"items\":[\"a\",\"b\"]}",
                new String(message.body(), StandardCharsets.UTF_8));
    }

    @Test
    void textUsesTheCharsetOfItsContentEncoding() {
        Message message = publishAndFetch(OutgoingMessage.of("café").serializer("text").contentEncoding("ISO-8859-1").build());
        assertEquals("text/plain", message.contentType());
        assertEquals("ISO-8859-1", message.contentEncoding());
        assertEquals(4, message.body().length);
        assertEquals("café", message.payload(String.class));
    }

    @Test
    void rawBytesKeepTheirContentTypeAndEncoding() {
        byte[] zipped = {31, -117, 8, 0, 1, 2, 3};
        Message message = publishAndFetch(OutgoingMessage.of(zipped).contentType("application/x-custom")
                .contentEncoding("gzip").build());
        assertEquals("application/x-custom", message.contentType());
        assertEquals("gzip", message.contentEncoding());
        assertArrayEquals(zipped, message.payload(byte[].class));
        DecodeException error = assertThrows(DecodeException.class, () -> message.payload(String.class));
        assertTrue(error.getMessage().contains("application/x-custom"), error.getMessage());
        assertTrue(error.getMessage().contains("java.lang.String"), error.getMessage());
    }

    @Test
    void rawBytesWithoutContentTypeAreOctetStream() {
        Message message = publishAndFetch(OutgoingMessage.of(new byte[] {1, 2}).build());
        assertEquals("application/octet-stream", message.contentType());
        assertNull(message.contentEncoding());
    }

    @Test
    void everyPropertyAndHeaderRoundTrips() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Message message = publishAndFetch(OutgoingMessage.of("x")
                .header("tenant", "acme").header("attempt", 3).header("ratio", 0.5).header("flag", true)
                .header("tags", List.of("a", "b")).header("nested", Map.of("k", "v")).header("big", 5_000_000_000L)
                .persistent(false).priority(7).expiration(Duration.ofMinutes(5)).messageId("m-1")
                .correlationId("c-1").replyTo("answers").type("greeting").appId("tests").timestamp(now)
                .build());
        assertEquals("acme", message.header("tenant"));
        assertEquals(3, message.header("attempt"));
        assertEquals(0.5, message.header("ratio"));
        assertEquals(true, message.header("flag"));
        assertEquals(List.of("a", "b"), message.header("tags"));
        assertEquals(Map.of("k", "v"), message.header("nested"));
        assertEquals(5_000_000_000L, message.header("big"));
        assertFalse(message.persistent());
        assertEquals(7, message.priority());
        assertEquals("300000", message.expiration());
        assertEquals("m-1", message.messageId());
        assertEquals("c-1", message.correlationId());
        assertEquals("answers", message.replyTo());
        assertEquals("greeting", message.type());
        assertEquals("tests", message.appId());
        assertEquals(now, message.timestamp());
        assertEquals("", message.exchange());
        assertEquals(queue, message.routingKey());
        assertEquals(queue, message.queue());
        assertFalse(message.redelivered());
    }

    @Test
    void messagesArePersistentByDefault() {
        assertTrue(publishAndFetch(OutgoingMessage.of("x").build()).persistent());
    }

    @Test
    void undecodableJsonNamesContentTypeAndTarget() {
        Message message = publishAndFetch(OutgoingMessage.of("not json {".getBytes(StandardCharsets.UTF_8))
                .contentType("application/json").build());
        DecodeException error = assertThrows(DecodeException.class, () -> message.payload(Order.class));
        assertEquals("application/json", error.contentType());
        assertTrue(error.getMessage().contains(Order.class.getName()), error.getMessage());
    }

    @Test
    void javaSerializedBodiesAreNeverDeserialized() {
        Message message = publishAndFetch(OutgoingMessage.of(new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5})
                .contentType("application/x-java-serialized-object").build());
        DecodeException error = assertThrows(DecodeException.class, () -> message.payload(Object.class));
        assertTrue(error.getMessage().contains("No serializer for content type 'application/x-java-serialized-object'"),
                error.getMessage());
    }

    @Test
    void unknownSerializerIsRefusedWithTheKnownOnes() {
        WarrenException error = assertThrows(WarrenException.class,
                () -> harness.factory().producer(Producer.to("").serializer("pickle").build()));
        assertTrue(error.getMessage().contains("Unknown serializer 'pickle'"), error.getMessage());
        assertTrue(error.getMessage().contains("json"), error.getMessage());
    }

    @Test
    void fetchOnAnEmptyQueueIsEmpty() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.named(queue));
            assertTrue(connection.fetch(queue).isEmpty());
        }
    }

    @Test
    void actingTwiceOnAMessageSaysWhatWasDone() {
        Message message = publishAndFetch(OutgoingMessage.of("once").build());
        assertEquals(Message.Outcome.ACKED, message.outcome());
        IllegalStateException error = assertThrows(IllegalStateException.class, message::requeue);
        assertTrue(error.getMessage().contains("already acked"), error.getMessage());
    }

    @Test
    void requeueGivesItBackAndRejectDeadLetters() {
        String deadLetters = broker.queueName("dead");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.named(deadLetters));
            connection.declare(Queue.builder(queue).deadLetterExchange("").deadLetterRoutingKey(deadLetters).build());
            connection.publish("", OutgoingMessage.of("poison").routingKey(queue).build());
            Broker.await("the message", Duration.ofSeconds(5), () -> broker.messageCount(queue) == 1);
            connection.fetch(queue).orElseThrow().requeue();
            Message again = connection.fetch(queue).orElseThrow();
            assertTrue(again.redelivered());
            again.reject();
            assertEquals(Message.Outcome.REJECTED, again.outcome());
        }
        Broker.await("the dead letter", Duration.ofSeconds(5), () -> broker.messageCount(deadLetters) == 1);
        assertEquals(0, broker.messageCount(queue));
    }

    @Test
    void aFetchedMessageLeftUnsettledIsRequeuedAtClose() {
        Message forgotten;
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.named(queue));
            connection.publish("", OutgoingMessage.of("forgotten").routingKey(queue).build());
            Broker.await("the message", Duration.ofSeconds(5), () -> broker.messageCount(queue) == 1);
            forgotten = connection.fetch(queue).orElseThrow();
        }
        assertEquals(Message.Outcome.REQUEUED, forgotten.outcome());
        assertThrows(IllegalStateException.class, forgotten::ack);
        Broker.await("the requeued message", Duration.ofSeconds(5), () -> broker.messageCount(queue) == 1);
    }

    @Test
    void aClosedHandleRefusesWork() {
        Connection connection = harness.factory().getConnection();
        connection.close();
        WarrenException error = assertThrows(WarrenException.class, () -> connection.purge(queue));
        assertTrue(error.getMessage().contains("closed"), error.getMessage());
    }
}
