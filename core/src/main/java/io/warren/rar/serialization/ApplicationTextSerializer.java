package io.warren.rar.serialization;

import io.warren.Serializer;

/**
 * kombu's {@code application/text}: text in the charset of the content encoding (UTF-8 by
 * default), read as {@code text/plain} is. kombu consumers accept it whatever their accept list.
 */
public final class ApplicationTextSerializer implements Serializer {

    private final TextSerializer text = new TextSerializer();

    @Override
    public String name() {
        return "application-text";
    }

    @Override
    public String contentType() {
        return "application/text";
    }

    @Override
    public byte[] encode(Object payload, String contentEncoding) {
        return text.encode(payload, contentEncoding);
    }

    @Override
    public <T> T decode(byte[] body, String contentEncoding, Class<T> type) {
        return text.decode(body, contentEncoding, type);
    }
}
