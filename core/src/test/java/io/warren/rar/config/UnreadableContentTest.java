package io.warren.rar.config;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

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

    private static byte[] field(String name, char type, byte[] value) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(1 + bytes.length + 1 + value.length).put((byte) bytes.length).put(bytes)
                .put((byte) type).put(value).array();
    }

    private static byte[] text(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).array();
    }

    private static byte[] table(byte[]... fields) {
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        table.writeBytes(ByteBuffer.allocate(4).putInt(Arrays.stream(fields).mapToInt(f -> f.length).sum()).array());
        Arrays.stream(fields).forEach(table::writeBytes);
        return table.toByteArray();
    }

    @Test
    void aPublishersMarkerIsDroppedFromAReadableTableWhoseOtherFieldsAndPropertiesAreKept() throws IOException {
        byte[] spoofed = field(UnreadableContent.HEADER, 'S', text("spoofed"));
        byte[] headers = table(field("big", 'L', ByteBuffer.allocate(8).putLong(1L << 40).array()), spoofed,
                field("nested", 'F', table(field(UnreadableContent.HEADER, 'S', text("inside")))), spoofed,
                field("flag", 't', new byte[] {1}));
        byte[] type = "text/plain".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.writeBytes(ByteBuffer.allocate(15 + type.length).putShort((short) 60).putShort((short) 0).putLong(7)
                .putShort((short) (0x8000 | 0x2000 | 0x1000)).put((byte) type.length).put(type).array());
        payload.writeBytes(headers);
        payload.write(2); // delivery mode, after the table

        UnreadableContent.Replacement replacement = UnreadableContent.replace(payload.toByteArray(), 1024);
        assertEquals(0, replacement.skippedBody());
        assertEquals(7, bodySize(replacement.payload()));
        AMQP.BasicProperties properties = read(replacement.payload());
        Map<String, Object> read = properties.getHeaders();
        assertEquals(Set.of("big", "nested", "flag"), read.keySet());
        assertEquals(1L << 40, read.get("big"));
        assertEquals(true, read.get("flag"));
        assertEquals("inside", ((Map<?, ?>) read.get("nested")).get(UnreadableContent.HEADER).toString(),
                "only the top level is Warren's to read");
        assertEquals(2, properties.getDeliveryMode());
        assertEquals("text/plain", properties.getContentType());
    }
}
