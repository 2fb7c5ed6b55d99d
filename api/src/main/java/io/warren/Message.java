package io.warren;

import java.time.Instant;
import java.util.Map;

/**
 * A message received from a queue, by an MDB or by {@link Connection#fetch}: its body, its AMQP
 * properties and headers, where it came from, and its settlement. A message is settled once:
 * {@link #ack()}, {@link #reject()} or {@link #requeue()}; acting a second time throws an
 * {@link IllegalStateException} that says what was already done.
 */
public interface Message {

    /** What has become of a received message. */
    enum Outcome {
        /** Not settled yet: the broker holds it for this consumer. */
        PENDING,
        /** Acknowledged: the broker has forgotten it. */
        ACKED,
        /** Rejected without requeue: dead-lettered where its queue says so, else discarded by the broker. */
        REJECTED,
        /** Given back to the queue for another delivery. */
        REQUEUED
    }

    /**
     * @return the body as it came over the wire, still compressed when the publisher compressed
     *     it; a copy, so changing it changes nothing
     */
    byte[] body();

    /**
     * Decodes the body with the serializer for its content type. A body compressed as kombu
     * compresses it (a {@code compression} header of {@code application/x-gzip},
     * {@code application/x-bz2}, {@code application/x-lzma}, {@code application/x-brotli} or
     * {@code application/zstd}) is decompressed first, up to the
     * consumer's {@code maxDecompressedBytes} (64 MiB by default).
     *
     * @param type what to decode to: any type for JSON and msgpack, {@code String} for text, {@code byte[]}
     *     always (the decompressed body)
     * @param <T> the type to decode to
     * @return the body decoded as that type
     * @throws DecodeException naming the content type and the target type when it cannot, and
     *     naming the compression when it is unknown, unsupported, corrupt or inflates past the limit
     */
    <T> T payload(Class<T> type);

    /**
     * Decodes the body to a generic type, as {@link #payload(Class)} does to a class: a list of
     * records, a map, anything the content type's serializer can build (json and msgpack build any).
     *
     * <pre>{@code
     * List<Order> orders = message.payload(new TypeRef<List<Order>>() { });
     * }</pre>
     *
     * @param type the type to decode to, captured by a {@link TypeRef}
     * @param <T> the type to decode to
     * @return the body decoded as that type
     * @throws DecodeException as {@link #payload(Class)} does, and when the serializer knows only classes
     */
    <T> T payload(TypeRef<T> type);

    /** @return the content type, e.g. {@code application/json}; null when the publisher set none */
    String contentType();

    /** @return the content encoding, e.g. a charset for text or {@code gzip}; null when none */
    String contentEncoding();

    /** @return the headers, never null; AMQP strings arrive as {@code String} */
    Map<String, Object> headers();

    /**
     * @param name the header's name
     * @return the header's value, with AMQP strings as {@code String}; null when absent
     */
    Object header(String name);

    /** @return whether the publisher asked the broker to write it to disk (delivery mode 2) */
    boolean persistent();

    /** @return the priority, or null */
    Integer priority();

    /** @return the correlation id, or null */
    String correlationId();

    /** @return the queue or address to reply to, or null */
    String replyTo();

    /** @return the per-message TTL in milliseconds as the broker spells it, or null */
    String expiration();

    /** @return the message id, or null */
    String messageId();

    /** @return the publisher's timestamp (AMQP keeps seconds), or null */
    Instant timestamp();

    /** @return the application's message type name, or null */
    String type();

    /** @return the user id the broker validated, or null */
    String userId();

    /** @return the publishing application's id, or null */
    String appId();

    /** @return the exchange it was published to; empty for the default exchange */
    String exchange();

    /** @return the routing key it was published with */
    String routingKey();

    /** @return the queue it was consumed from */
    String queue();

    /** @return the delivery tag on the channel that received it */
    long deliveryTag();

    /** @return whether the broker delivered it before without an ack */
    boolean redelivered();

    /** Acknowledges the message: the broker forgets it. */
    void ack();

    /** Rejects the message without requeue: the broker dead-letters it where its queue says so. */
    void reject();

    /** Gives the message back to its queue for another delivery. */
    void requeue();

    /** @return what has become of the message so far */
    Outcome outcome();
}
