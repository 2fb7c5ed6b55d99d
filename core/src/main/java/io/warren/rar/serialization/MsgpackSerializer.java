package io.warren.rar.serialization;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.warren.Serializer;
import io.warren.TypeRef;
import org.msgpack.jackson.dataformat.MessagePackMapper;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * kombu's {@code msgpack} serializer: {@code application/x-msgpack}, content encoding
 * {@code binary}, written as kombu writes it ({@code msgpack.packb(use_bin_type=True)}: strings as
 * msgpack str, {@code byte[]} as bin). Decodes as {@link JsonSerializer} does: only to the type the
 * caller names, unknown properties ignored, {@code java.time} values as ISO-8601 text (kombu 5.2
 * has no msgpack extension for dates). Off a consumer's default accept list, as in kombu.
 */
public final class MsgpackSerializer implements Serializer {

    /** kombu's content type for msgpack. */
    public static final String CONTENT_TYPE = "application/x-msgpack";

    private final ObjectMapper mapper = MessagePackMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    @Override
    public String name() {
        return "msgpack";
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
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

    @Override
    public <T> T decode(byte[] body, String contentEncoding, TypeRef<T> type) {
        try {
            return mapper.readValue(body, mapper.constructType(type.type()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
