package io.warren.rar.serialization;

import io.warren.Serializer;

/**
 * Bytes as they are, for {@code application/octet-stream} and for any content type no serializer
 * claims when the caller asks for {@code byte[]}.
 */
public final class RawSerializer implements Serializer {

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public String contentType() {
        return "application/octet-stream";
    }

    @Override
    public byte[] encode(Object payload, String contentEncoding) {
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        throw new IllegalArgumentException("raw publishes only byte[], not " + payload.getClass().getName());
    }

    @Override
    public <T> T decode(byte[] body, String contentEncoding, Class<T> type) {
        if (type != byte[].class && type != Object.class) {
            throw new IllegalArgumentException("raw decodes only to byte[]");
        }
        return type.cast(body.clone());
    }
}
