package io.warren.rar.serialization;

import io.warren.DecodeException;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class SerializersTest {

    private final Serializers serializers = Serializers.load(getClass().getClassLoader());

    @Test
    void customSerializersAreFoundByNameAndContentType() {
        Serializers.Encoded encoded = serializers.encode("hello", null, "shout", null, null);
        assertEquals("application/x-shout", encoded.contentType());
        assertArrayEquals("HELLO".getBytes(StandardCharsets.UTF_8), encoded.body());
        assertEquals("HELLO!", serializers.decode(encoded.body(), "application/x-shout", null, String.class, Set.of()));
        assertEquals("shout", serializers.get("application/x-shout").name());
    }

    /** One reading of a received content type for every path: none, empty, blank or parameters only is octet-stream. */
    @Test
    void aContentTypeThatNamesNoMediaTypeIsOctetStream() {
        for (String none : new String[] {null, "", "  ", "; charset=utf-8"}) {
            assertEquals(Serializers.OCTET_STREAM, Serializers.mediaTypeOf(none), "content type " + none);
        }
        assertEquals("application/json", Serializers.mediaTypeOf(" Application/JSON; charset=utf-8"));
        byte[] body = {1, 2};
        DecodeException empty = assertThrows(DecodeException.class,
                () -> serializers.decode(body, "", null, String.class, Set.of("application/json")));
        DecodeException missing = assertThrows(DecodeException.class,
                () -> serializers.decode(body, null, null, String.class, Set.of("application/json")));
        assertEquals(missing.getMessage(), empty.getMessage());
    }

    @Test
    void aContentTypeOutsideTheAcceptListIsRefusedWithTheList() {
        byte[] body = "\"x\"".getBytes(StandardCharsets.UTF_8);
        DecodeException error = assertThrows(DecodeException.class,
                () -> serializers.decode(body, "application/json", null, String.class, Set.of("text/plain")));
        assertTrue(error.getMessage().contains("'application/json' is not accepted"), error.getMessage());
        assertTrue(error.getMessage().contains("text/plain"), error.getMessage());
    }

    @Test
    void contentTypeParametersAreIgnoredForLookupAndGiveTheCharset() {
        byte[] latin = "é".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("é", serializers.decode(latin, "Text/Plain; charset=ISO-8859-1", null, String.class, Set.of()));
    }

    @Test
    void unknownSerializerNamesTheKnownOnes() {
        WarrenException error = assertThrows(WarrenException.class, () -> serializers.get("pickle"));
        assertTrue(error.getMessage().contains("[json, text, raw, data, application-text, msgpack, shout]"), error.getMessage());
    }
}
