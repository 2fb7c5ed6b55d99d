package io.warren;

/**
 * Turns payloads into message bodies and back, for one content type. Warren ships {@code json}
 * (the default), {@code text}, {@code raw} and kombu's {@code msgpack}; others are found with {@link java.util.ServiceLoader}
 * as {@code META-INF/services/io.warren.Serializer} on the adapter's or the application's class
 * path. Java serialization is never used: a serializer decodes only to the type asked for.
 * Implementations must be thread-safe.
 */
public interface Serializer {

    /** @return the short name producers choose it by, e.g. {@code json} */
    String name();

    /** @return the content type it writes and reads, e.g. {@code application/json} */
    String contentType();

    /**
     * @param payload what to send
     * @param contentEncoding the encoding the message declares (a charset for text), or null
     * @return the body
     */
    byte[] encode(Object payload, String contentEncoding);

    /**
     * @param body the message body
     * @param contentEncoding the message's content_encoding, or null
     * @param type the type to decode to
     * @param <T> that type
     * @return the decoded payload
     * @throws RuntimeException when the body does not decode; Warren wraps it in a {@link DecodeException}
     */
    <T> T decode(byte[] body, String contentEncoding, Class<T> type);

    /**
     * Decodes to a generic type, such as {@code List<Order>}, for {@link Message#payload(TypeRef)}.
     * Serializers that know only classes keep this default, which decodes to a plain class and
     * refuses a parameterized type with a message naming it.
     *
     * @param body the message body
     * @param contentEncoding the message's content_encoding, or null
     * @param type the type to decode to
     * @param <T> that type
     * @return the decoded payload
     * @throws RuntimeException when the body does not decode; Warren wraps it in a {@link DecodeException}
     */
    @SuppressWarnings("unchecked")
    default <T> T decode(byte[] body, String contentEncoding, TypeRef<T> type) {
        if (type.type() instanceof Class<?> plain) {
            return (T) decode(body, contentEncoding, plain);
        }
        throw new UnsupportedOperationException("the " + name() + " serializer decodes to classes only, not to "
                + type.type().getTypeName() + "; ask for a class, or use json");
    }
}
