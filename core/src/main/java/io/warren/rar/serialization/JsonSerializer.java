package io.warren.rar.serialization;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.warren.Serializer;
import io.warren.TypeRef;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON with Jackson, the default. No default typing: a body decodes only to the class the caller
 * names, never to a class the message names. Unknown properties are ignored, so that publishers
 * may add fields before consumers know them. {@code java.time} values are ISO-8601 text. A content
 * encoding other than UTF-8 (a publisher may declare {@code latin-1} or {@code utf-16}) is the
 * charset of the JSON text.
 */
public final class JsonSerializer implements Serializer {

    // java.time registered by hand: findAndAddModules looks on the context class loader, which in a
    // server is the application's and may not see the adapter's bundled module
    private final ObjectMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .findAndAddModules()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    @Override
    public String name() {
        return "json";
    }

    @Override
    public String contentType() {
        return "application/json";
    }

    @Override
    public byte[] encode(Object payload, String contentEncoding) {
        try {
            if (isUtf8(contentEncoding)) {
                return mapper.writeValueAsBytes(payload);
            }
            return mapper.writeValueAsString(payload).getBytes(TextSerializer.charset(contentEncoding));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public <T> T decode(byte[] body, String contentEncoding, Class<T> type) {
        try {
            if (isUtf8(contentEncoding)) {
                return mapper.readValue(body, type);
            }
            return mapper.readValue(new String(body, TextSerializer.charset(contentEncoding)), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public <T> T decode(byte[] body, String contentEncoding, TypeRef<T> type) {
        try {
            // a Jackson JavaType passed through TypeRef.of is used as it is
            if (isUtf8(contentEncoding)) {
                return mapper.readValue(body, mapper.constructType(type.type()));
            }
            return mapper.readValue(new String(body, TextSerializer.charset(contentEncoding)),
                    mapper.constructType(type.type()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Jackson reads and writes UTF-8 bytes itself; other declared charsets go through a String. */
    private static boolean isUtf8(String contentEncoding) {
        return contentEncoding == null || contentEncoding.isBlank() || contentEncoding.equalsIgnoreCase("utf-8")
                || contentEncoding.equalsIgnoreCase("utf8") || DataSerializer.isBinary(contentEncoding);
    }
}
