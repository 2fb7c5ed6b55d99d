package io.warren.rar.serialization;

import io.warren.DecodeException;
import io.warren.rar.harness.Broker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The content types kombu writes besides JSON; the wire round trips are in KombuInteropTest. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class KombuContentTypesTest {

    private final Serializers serializers = Serializers.builtIn();

    @Test
    void kombusRawBytesDecodeToBytesAndAreAcceptedByDefault() {
        byte[] body = {0, 1, (byte) 0xff};
        assertTrue(serializers.contentTypes().containsAll(Set.of("application/data", "application/text")));
        assertArrayEquals(body, (byte[]) serializers.decode(body, "application/data", "binary", Object.class, Set.of()));
        assertThrows(DecodeException.class,
                () -> serializers.decode(body, "application/data", "binary", String.class, Set.of()));
        assertEquals("é", serializers.decode("é".getBytes(StandardCharsets.UTF_8), "application/data", "utf-8",
                Object.class, Set.of()), "kombu's raw serializer sends text as application/data in utf-8");
    }

    @Test
    void bytesPublishedAsApplicationDataAreMarkedBinaryAsKombuMarksThem() {
        byte[] body = {0, (byte) 0xff};
        Serializers.Encoded byContentType = serializers.encode(body, null, "json", "application/data", null);
        assertEquals("binary", byContentType.contentEncoding());
        Serializers.Encoded bySerializer = serializers.encode(body, "data", "json", null, null);
        assertEquals("application/data", bySerializer.contentType());
        assertEquals("binary", bySerializer.contentEncoding());
        assertNull(serializers.encode(body, null, "json", null, null).contentEncoding(),
                "application/octet-stream stays as it was");
    }

    @Test
    void applicationTextIsTextInItsCharset() {
        byte[] latin = "café".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("café", serializers.decode(latin, "application/text", "latin-1", String.class, Set.of()));
        Serializers.Encoded encoded = serializers.encode("☃", "application/text", "json", null, null);
        assertEquals("application/text", encoded.contentType());
        assertEquals("utf-8", encoded.contentEncoding());
    }

    @Test
    void jsonInADeclaredCharsetOtherThanUtf8Decodes() {
        byte[] latin = "{\"name\":\"Zoë\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(Map.of("name", "Zoë"), serializers.decode(latin, "application/json", "latin-1", Map.class, Set.of()));
        byte[] utf16 = "{\"name\":\"☃\"}".getBytes(StandardCharsets.UTF_16);
        assertEquals(Map.of("name", "☃"), serializers.decode(utf16, "application/json", "utf-16", Map.class, Set.of()));
        Serializers.Encoded encoded = serializers.encode(Map.of("name", "Zoë"), null, "json", null, "iso-8859-1");
        assertArrayEquals(latin, encoded.body());
    }

    @Test
    void pickleAndYamlStayUnknownSoTheyAreNeverAccepted() {
        assertFalse(serializers.contentTypes().contains("application/x-python-serialize"));
        assertFalse(serializers.contentTypes().contains("application/x-yaml"));
    }
}
