package io.warren.rar.config;

import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The translation of py-amqp's table types, on content headers the Java client itself encodes and
 * then reads back: what the client writes as 'l' is what py-amqp writes as 'L' for the same value.
 */
class HeaderTableTypesTest {

    private static final long WIDE = 1L << 40;

    private static Map<String, Object> headers() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("text", "a");
        headers.put("wide", WIDE);
        headers.put("small", 7);
        headers.put("table", Map.of("deeper", -WIDE));
        headers.put("list", List.of(WIDE, "b"));
        return headers;
    }

    private static byte[] contentHeader(Map<String, Object> headers) throws IOException {
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType("application/json").contentEncoding("utf-8").headers(headers).build();
        return properties.toFrame(1, 10).getPayload();
    }

    private static AMQP.BasicProperties parse(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
        in.skipNBytes(2); // the class id: the properties read weight and body size themselves
        return new AMQP.BasicProperties(in);
    }

    /** Writes each 64-bit integer's tag as py-amqp does: 'L' where the Java client writes 'l'. */
    private static byte[] asPyAmqpWritesIt(byte[] payload, int expectedTags) {
        byte[] pyAmqp = payload.clone();
        int found = 0;
        // each 'l' tag is followed by one of the test's wide values
        for (int i = 0; i + 8 < pyAmqp.length; i++) {
            if (pyAmqp[i] == 'l' && Math.abs(readLong(pyAmqp, i + 1)) == WIDE) {
                pyAmqp[i] = 'L';
                found++;
            }
        }
        assertEquals(expectedTags, found, "64-bit tags in the frame");
        return pyAmqp;
    }

    private static long readLong(byte[] bytes, int at) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[at + i] & 0xff);
        }
        return value;
    }

    @Test
    void theClientRefusesWhatPyAmqpWritesUntranslated() throws IOException {
        byte[] pyAmqp = asPyAmqpWritesIt(contentHeader(headers()), 3);
        IOException refused = assertThrows(IOException.class, () -> parse(pyAmqp).getHeaders());
        assertTrue(refused.getMessage().contains("Unrecognised type"), refused.getMessage());
    }

    @Test
    void pyAmqpsWideIntegersBecomeWhatTheClientReadsAsLongs() throws IOException {
        byte[] javaWritten = contentHeader(headers());
        byte[] pyAmqp = asPyAmqpWritesIt(javaWritten, 3);

        assertTrue(HeaderTableTypes.rewrite(pyAmqp));

        assertArrayEquals(javaWritten, pyAmqp, "only the tags change, to the client's own");
        Map<String, Object> read = parse(pyAmqp).getHeaders();
        assertEquals(WIDE, read.get("wide"));
        assertEquals(-WIDE, ((Map<?, ?>) read.get("table")).get("deeper"));
        assertEquals(WIDE, ((List<?>) read.get("list")).get(0));
        assertEquals(7, read.get("small"));
        assertEquals("application/json", parse(pyAmqp).getContentType());
    }

    @Test
    void aSigned16BitTagOfTheOriginalSpecificationBecomesTheErratas() throws IOException {
        byte[] javaWritten = contentHeader(Map.of("short", (short) -3));
        byte[] original = javaWritten.clone();
        int tag = lastTag(original, (byte) 's');
        original[tag] = 'U';

        assertTrue(HeaderTableTypes.rewrite(original));

        assertEquals((short) -3, parse(original).getHeaders().get("short"));
    }

    /** The last byte equal to {@code tag}, the test's values and names being chosen not to contain it. */
    private static int lastTag(byte[] bytes, byte tag) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == tag) {
                return i;
            }
        }
        throw new AssertionError("no tag " + (char) tag);
    }

    @Test
    void aHeaderTheClientReadsAlreadyIsLeftAsItIs() throws IOException {
        byte[] javaWritten = contentHeader(headers());
        byte[] unchanged = javaWritten.clone();

        assertFalse(HeaderTableTypes.rewrite(unchanged));

        assertArrayEquals(javaWritten, unchanged);
    }

    @Test
    void aHeaderWithoutATableOrCutShortIsLeftAlone() throws IOException {
        byte[] withoutHeaders = new AMQP.BasicProperties.Builder().contentType("text/plain").build().toFrame(1, 3).getPayload();
        assertFalse(HeaderTableTypes.rewrite(withoutHeaders.clone()));

        byte[] pyAmqp = asPyAmqpWritesIt(contentHeader(headers()), 3);
        byte[] cut = Arrays.copyOf(pyAmqp, pyAmqp.length - 20);
        HeaderTableTypes.rewrite(cut); // must not throw: the client judges a malformed frame itself
    }

    @Test
    void anUnknownTagStopsTheWalkWithoutTouchingWhatFollows() throws IOException {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("odd", "x");
        headers.put("wide", WIDE);
        byte[] payload = asPyAmqpWritesIt(contentHeader(headers), 1);
        int tag = lastTag(payload, (byte) 'S');
        payload[tag] = 'Q'; // a type no client writes

        assertFalse(HeaderTableTypes.rewrite(payload));
        assertEquals('L', payload[indexOfWide(payload)]);
    }

    private static int indexOfWide(byte[] payload) {
        for (int i = 0; i + 8 < payload.length; i++) {
            if ((payload[i] == 'l' || payload[i] == 'L') && readLong(payload, i + 1) == WIDE) {
                return i;
            }
        }
        throw new AssertionError("no wide value");
    }
}
