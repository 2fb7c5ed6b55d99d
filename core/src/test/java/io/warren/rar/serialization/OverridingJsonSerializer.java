package io.warren.rar.serialization;

import io.warren.Serializer;

import java.nio.charset.StandardCharsets;

/**
 * An application's own application/json serializer, registered only by the class loader that
 * {@code RedeployTest} builds for a second application.
 */
public final class OverridingJsonSerializer implements Serializer {

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
        return ("{\"overridden\":\"" + payload + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <T> T decode(byte[] body, String contentEncoding, Class<T> type) {
        return type.cast(new String(body, StandardCharsets.UTF_8));
    }
}
