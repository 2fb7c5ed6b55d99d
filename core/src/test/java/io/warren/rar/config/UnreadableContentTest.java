package io.warren.rar.config;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replaced content header as the client's own parser reads it; the paths the broker tests do not take. */
class UnreadableContentTest {

    /** A basic content header with a content type and no headers table. */
    private static byte[] withoutHeaders(long bodySize) {
        byte[] type = "text/plain".getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(14 + 1 + type.length).putShort((short) 60).putShort((short) 0).putLong(bodySize)
                .putShort((short) 0x8000).put((byte) type.length).put(type).array();
    }

    private static long bodySize(byte[] payload) {
        return ByteBuffer.wrap(payload).getLong(4);
    }

    /** As the client reads a content header after its class id: weight, body size, flags, properties. */
    private static AMQP.BasicProperties read(byte[] payload) throws IOException {
        return new AMQP.BasicProperties(new DataInputStream(new ByteArrayInputStream(payload, 2, payload.length - 2)));
    }

    @Test
    void anOversizedBodyWithoutHeadersGetsATableWithTheReasonAndAnEmptyBody() throws IOException {
        UnreadableContent.Replacement replacement = UnreadableContent.replace(withoutHeaders(5000), 1024);
        assertEquals(5000, replacement.skippedBody());
        assertEquals(0, bodySize(replacement.payload()));
        AMQP.BasicProperties properties = read(replacement.payload());
        assertEquals("text/plain", properties.getContentType());
        String reason = properties.getHeaders().get(UnreadableContent.HEADER).toString();
        assertTrue(reason.contains("5000 bytes") && reason.contains("(1024 bytes)"), reason);
    }

    @Test
    void aBodyWithinTheLimitIsLeftAsItIs() {
        assertNull(UnreadableContent.replace(withoutHeaders(1024), 1024));
    }
}
