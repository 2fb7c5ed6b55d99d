package io.warren.rar.serialization;

import io.warren.Serializer;

import java.nio.charset.StandardCharsets;

/** A custom serializer found through META-INF/services, as an application would register one. */
public final class ShoutingSerializer implements Serializer {

    @Override
    public String name() {
        return "shout";
    }

    @Override
    public String contentType() {
        return "application/x-shout";
    }

    @Override
    public byte[] encode(Object payload, String contentEncoding) {
        return payload.toString().toUpperCase().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <T> T decode(byte[] body, String contentEncoding, Class<T> type) {
        return type.cast(new String(body, StandardCharsets.UTF_8) + "!");
    }
}
