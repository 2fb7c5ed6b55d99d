package io.warren.rar.serialization;

import io.warren.Serializer;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** {@code text/plain}: strings, in the charset the message's content_encoding names (UTF-8 by default). */
public final class TextSerializer implements Serializer {

    @Override
    public String name() {
        return "text";
    }

    @Override
    public String contentType() {
        return "text/plain";
    }

    @Override
    public byte[] encode(Object payload, String contentEncoding) {
        return payload.toString().getBytes(charset(contentEncoding));
    }

    @Override
    public <T> T decode(byte[] body, String contentEncoding, Class<T> type) {
        if (type != String.class && type != Object.class && type != CharSequence.class) {
            throw new IllegalArgumentException("text decodes only to String");
        }
        return type.cast(new String(body, charset(contentEncoding)));
    }

    /** Also understands Python's codec names, such as {@code latin-1}, which a kombu publisher may declare. */
    static Charset charset(String contentEncoding) {
        if (contentEncoding == null || contentEncoding.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        String name = contentEncoding.trim();
        if (!Charset.isSupported(name)) {
            String python = name.replace("-", "").replace("_", "");
            if (Charset.isSupported(python)) {
                return Charset.forName(python);
            }
        }
        return Charset.forName(name);
    }
}
