package io.warren.rar.serialization;

import io.warren.Serializer;

import java.nio.charset.StandardCharsets;

/**
 * kombu's raw bytes: {@code application/data}, which kombu writes for a {@code bytes} body
 * published without a serializer (content encoding {@code binary}) and for its {@code raw}
 * serializer. kombu consumers accept it whatever their accept list. A body decodes to
 * {@code byte[]}, or to a {@code String} in the charset its content encoding names.
 */
public final class DataSerializer implements Serializer {

    /** kombu's content type for raw bytes. */
    public static final String CONTENT_TYPE = "application/data";
    /** kombu's content encoding for bytes that are not text. */
    public static final String BINARY = "binary";

    @Override
    public String name() {
        return "data";
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public byte[] encode(Object payload, String contentEncoding) {
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        if (payload instanceof CharSequence text) {
            return text.toString().getBytes(isBinary(contentEncoding) ? StandardCharsets.UTF_8
                    : TextSerializer.charset(contentEncoding));
        }
        throw new IllegalArgumentException("data publishes only byte[] or text, not " + payload.getClass().getName());
    }

    @Override
    public <T> T decode(byte[] body, String contentEncoding, Class<T> type) {
        if (type == String.class || type == CharSequence.class
                || (type == Object.class && !isBinary(contentEncoding))) {
            if (isBinary(contentEncoding)) {
                throw new IllegalArgumentException("a binary body is not text; ask for byte[]");
            }
            return type.cast(new String(body, TextSerializer.charset(contentEncoding)));
        }
        if (type != byte[].class && type != Object.class) {
            throw new IllegalArgumentException("data decodes only to byte[], or to String when its encoding is a charset");
        }
        return type.cast(body.clone());
    }

    /** @return whether kombu would leave a body of that content encoding as bytes */
    static boolean isBinary(String contentEncoding) {
        return contentEncoding != null
                && (contentEncoding.equalsIgnoreCase(BINARY) || contentEncoding.equalsIgnoreCase("ascii-8bit"));
    }
}
