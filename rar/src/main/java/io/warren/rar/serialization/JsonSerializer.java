package io.warren.rar.serialization;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.warren.Serializer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON with Jackson, the default. No default typing: a body decodes only to the class the caller
 * names, never to a class the message names. Unknown properties are ignored, so that publishers
 * may add fields before consumers know them. {@code java.time} values are ISO-8601 text.
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
            return mapper.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public <T> T decode(byte[] body, String contentEncoding, Class<T> type) {
        try {
            return mapper.readValue(body, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
