package io.warren.rar.messages;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.impl.LongStringHelper;
import io.warren.rar.harness.Broker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The headers of a received message: readable (LongString as String, nested tables and arrays
 * too) whether read one by one or all at once, and not copied as a whole on the delivery path,
 * where Warren reads single headers (docs/profile.md).
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class ReceivedMessageTest {

    private static final int MESSAGES = 100_000;

    private static Map<String, Object> amqpHeaders() {
        Map<String, Object> nested = new HashMap<>();
        nested.put("region", LongStringHelper.asLongString("eu"));
        Map<String, Object> headers = new HashMap<>();
        headers.put("tenant", LongStringHelper.asLongString("acme"));
        headers.put("x-delivery-count", 2L);
        headers.put("origin", nested);
        headers.put("tags", List.of(LongStringHelper.asLongString("a"), 7));
        return headers;
    }

    private static ReceivedMessage received(Map<String, Object> headers) {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().headers(headers).build();
        return new ReceivedMessage("orders", new Envelope(1, false, "", "orders"), properties, new byte[16],
                null, Set.of(), (tag, outcome) -> { });
    }

    @Test
    void singleHeadersAreReadableBeforeAndAfterAllAreAskedFor() {
        ReceivedMessage message = received(amqpHeaders());
        assertEquals("acme", message.header("tenant"));
        assertEquals(2L, message.header("x-delivery-count"));
        assertEquals(Map.of("region", "eu"), message.header("origin"));
        assertEquals(List.of("a", 7), message.header("tags"));
        assertSame(message.header("origin"), message.header("origin"), "one copy of a nested table");
        assertNull(message.header("traceparent"));

        Map<String, Object> all = message.headers();
        assertEquals(Map.of("tenant", "acme", "x-delivery-count", 2L, "origin", Map.of("region", "eu"),
                "tags", List.of("a", 7)), all);
        assertSame(all, message.headers());
        assertSame(all.get("origin"), message.header("origin"));
        assertThrows(UnsupportedOperationException.class, () -> all.put("tenant", "other"));
        assertThrows(UnsupportedOperationException.class, () -> all.remove("tenant"));
    }

    @Test
    void aMessageWithoutHeadersHasAnEmptyMap() {
        ReceivedMessage message = received(null);
        assertNull(message.header("x-delivery-count"));
        assertTrue(message.headers().isEmpty());
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /**
     * What the delivery path does with a message that carries headers: make it, read the count and
     * look for a trace. The message and its settlement state are some 70 bytes; a copy of four
     * headers (LinkedHashMap, table, entries, unmodifiable view, strings) would be over 300 more.
     */
    @Test
    void readingSingleHeadersCopiesNoMap() {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().headers(amqpHeaders()).build();
        Envelope envelope = new Envelope(1, false, "", "orders");
        byte[] body = new byte[16];
        long before = 0;
        long found = 0;
        for (int run = 0; run < 2; run++) { // the first run warms up
            before = allocatedBytes();
            for (int i = 0; i < MESSAGES; i++) {
                ReceivedMessage message = new ReceivedMessage("orders", envelope, properties, body, null, Set.of(),
                        (tag, outcome) -> { });
                if (message.header("x-delivery-count") instanceof Long count && message.header("traceparent") == null) {
                    found += count;
                }
            }
        }
        long perMessage = (allocatedBytes() - before) / MESSAGES;
        assertEquals(2L * MESSAGES * 2, found);
        assertTrue(perMessage < 160, perMessage + " bytes allocated per message");
    }
}
