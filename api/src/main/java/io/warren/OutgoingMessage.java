package io.warren;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message to publish: a payload, encoded when it is published, and the AMQP properties to send
 * with it. Persistent unless told otherwise. A {@code byte[]} payload is sent as it is, with the
 * content type given here ({@code application/octet-stream} when none); any other payload is
 * encoded by the producer's serializer unless {@link Builder#serializer} chooses another.
 *
 * <pre>{@code
 * producer.publish(OutgoingMessage.of(order).routingKey("eu").header("tenant", "acme")
 *         .priority(5).expiration(Duration.ofMinutes(1)).build());
 * }</pre>
 */
public final class OutgoingMessage {

    private final Object payload;
    private final String routingKey;
    private final String serializer;
    private final String contentType;
    private final String contentEncoding;
    private final String compression;
    private final Map<String, Object> headers;
    private final boolean persistent;
    private final Integer priority;
    private final Duration expiration;
    private final String messageId;
    private final String correlationId;
    private final String replyTo;
    private final String type;
    private final String appId;
    private final Instant timestamp;

    private OutgoingMessage(Builder builder) {
        this.payload = builder.payload;
        this.routingKey = builder.routingKey;
        this.serializer = builder.serializer;
        this.contentType = builder.contentType;
        this.contentEncoding = builder.contentEncoding;
        this.compression = builder.compression;
        // a null value is AMQP's void, which kombu sends and reads as None
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
        this.persistent = builder.persistent;
        this.priority = builder.priority;
        this.expiration = builder.expiration;
        this.messageId = builder.messageId;
        this.correlationId = builder.correlationId;
        this.replyTo = builder.replyTo;
        this.type = builder.type;
        this.appId = builder.appId;
        this.timestamp = builder.timestamp;
    }

    /**
     * @param payload what to publish, encoded by the producer's serializer
     * @return a builder for a message carrying that payload
     */
    public static Builder of(Object payload) {
        return new Builder(payload);
    }

    /** @return the payload, encoded at publish time */
    public Object payload() {
        return payload;
    }

    /** @return the routing key, or null to use the producer's */
    public String routingKey() {
        return routingKey;
    }

    /** @return the serializer's name or content type, or null to use the producer's */
    public String serializer() {
        return serializer;
    }

    /** @return the content type to send with a {@code byte[]} payload, or null */
    public String contentType() {
        return contentType;
    }

    /** @return the content encoding, or null */
    public String contentEncoding() {
        return contentEncoding;
    }

    /** @return the compression asked for ({@code zlib}, {@code bzip2}, {@code lzma}, {@code zstd}), or null to use the producer's */
    public String compression() {
        return compression;
    }

    /** @return the headers */
    public Map<String, Object> headers() {
        return headers;
    }

    /** @return whether the broker writes it to disk (default true) */
    public boolean persistent() {
        return persistent;
    }

    /** @return the priority, or null */
    public Integer priority() {
        return priority;
    }

    /** @return how long it may wait in a queue, or null */
    public Duration expiration() {
        return expiration;
    }

    /** @return the message id, or null */
    public String messageId() {
        return messageId;
    }

    /** @return the correlation id, or null */
    public String correlationId() {
        return correlationId;
    }

    /** @return where to reply, or null */
    public String replyTo() {
        return replyTo;
    }

    /** @return the application's type name, or null */
    public String type() {
        return type;
    }

    /** @return the application id, or null */
    public String appId() {
        return appId;
    }

    /** @return the timestamp, or null */
    public Instant timestamp() {
        return timestamp;
    }

    /**
     * @param messageId the message id to carry instead of this one's
     * @return a copy of this message with that message id, everything else the same
     */
    public OutgoingMessage withMessageId(String messageId) {
        Builder copy = new Builder(payload);
        copy.routingKey = routingKey;
        copy.serializer = serializer;
        copy.contentType = contentType;
        copy.contentEncoding = contentEncoding;
        copy.compression = compression;
        copy.headers.putAll(headers);
        copy.persistent = persistent;
        copy.priority = priority;
        copy.expiration = expiration;
        copy.messageId = messageId;
        copy.correlationId = correlationId;
        copy.replyTo = replyTo;
        copy.type = type;
        copy.appId = appId;
        copy.timestamp = timestamp;
        return new OutgoingMessage(copy);
    }

    @Override
    public String toString() {
        return "OutgoingMessage[routingKey=" + routingKey + ", payload type="
                + (payload == null ? "null" : payload.getClass().getName()) + ", headers=" + headers.keySet() + "]";
    }

    /** Builds an {@link OutgoingMessage}. */
    public static final class Builder {
        private final Object payload;
        private String routingKey;
        private String serializer;
        private String contentType;
        private String contentEncoding;
        private String compression;
        private final Map<String, Object> headers = new LinkedHashMap<>();
        private boolean persistent = true;
        private Integer priority;
        private Duration expiration;
        private String messageId;
        private String correlationId;
        private String replyTo;
        private String type;
        private String appId;
        private Instant timestamp;

        private Builder(Object payload) {
            this.payload = Objects.requireNonNull(payload, "payload");
        }

        /**
         * @param routingKey overrides the producer's default routing key
         * @return this builder
         */
        public Builder routingKey(String routingKey) {
            this.routingKey = routingKey;
            return this;
        }

        /**
         * @param serializer a serializer's name ({@code json}, {@code text}, {@code raw}, {@code msgpack}) or content type
         * @return this builder
         */
        public Builder serializer(String serializer) {
            this.serializer = serializer;
            return this;
        }

        /**
         * @param contentType the content type of a {@code byte[]} payload
         * @return this builder
         */
        public Builder contentType(String contentType) {
            this.contentType = contentType;
            return this;
        }

        /**
         * @param contentEncoding a charset for text, or an encoding such as {@code gzip} for raw bodies
         * @return this builder
         */
        public Builder contentEncoding(String contentEncoding) {
            this.contentEncoding = contentEncoding;
            return this;
        }

        /**
         * Compresses the encoded body as kombu does and names the method in the {@code compression}
         * header, so that kombu consumers (and Warren's) decompress it before decoding: {@code zlib}
         * (header {@code application/x-gzip}, a zlib stream), {@code bzip2}
         * ({@code application/x-bz2}), {@code lzma} ({@code application/x-lzma}, an {@code .xz}
         * container) or {@code zstd} ({@code application/zstd}). kombu's {@code gzip}, {@code bzip},
         * {@code xz} and {@code zstandard} aliases and the header values themselves are understood
         * too. An unknown name, or {@code brotli} (which Warren reads but cannot write), fails the
         * publish with a {@link WarrenException} that lists the methods Warren compresses with.
         *
         * @param compression the method, or null to use the producer's
         * @return this builder
         */
        public Builder compression(String compression) {
            this.compression = compression;
            return this;
        }

        /**
         * Adds a header; values may be strings, numbers, booleans, lists, maps, dates, byte arrays or null.
         *
         * @param name the header's name
         * @param value the header's value
         * @return this builder
         */
        public Builder header(String name, Object value) {
            headers.put(Objects.requireNonNull(name), value);
            return this;
        }

        /**
         * Adds every header of the map.
         *
         * @param values headers by name
         * @return this builder
         */
        public Builder headers(Map<String, ?> values) {
            values.forEach(this::header);
            return this;
        }

        /**
         * @param persistent whether the broker writes it to disk (default true)
         * @return this builder
         */
        public Builder persistent(boolean persistent) {
            this.persistent = persistent;
            return this;
        }

        /**
         * @param priority 0 to 255; only queues declared with {@code x-max-priority} honour it
         * @return this builder
         */
        public Builder priority(int priority) {
            if (priority < 0 || priority > 255) {
                throw new IllegalArgumentException("priority must be between 0 and 255, not " + priority);
            }
            this.priority = priority;
            return this;
        }

        /**
         * @param expiration how long it may wait in a queue before the broker expires it
         * @return this builder
         */
        public Builder expiration(Duration expiration) {
            if (expiration.isNegative()) {
                throw new IllegalArgumentException("expiration must not be negative: " + expiration);
            }
            this.expiration = expiration;
            return this;
        }

        /**
         * @param messageId the application's id for the message
         * @return this builder
         */
        public Builder messageId(String messageId) {
            this.messageId = messageId;
            return this;
        }

        /**
         * @param correlationId the id of the message this one answers
         * @return this builder
         */
        public Builder correlationId(String correlationId) {
            this.correlationId = correlationId;
            return this;
        }

        /**
         * @param replyTo the queue the answer should go to
         * @return this builder
         */
        public Builder replyTo(String replyTo) {
            this.replyTo = replyTo;
            return this;
        }

        /**
         * @param type the application's name for the kind of message
         * @return this builder
         */
        public Builder type(String type) {
            this.type = type;
            return this;
        }

        /**
         * @param appId the publishing application's id
         * @return this builder
         */
        public Builder appId(String appId) {
            this.appId = appId;
            return this;
        }

        /**
         * @param timestamp when the message was made (AMQP keeps seconds)
         * @return this builder
         */
        public Builder timestamp(Instant timestamp) {
            this.timestamp = timestamp;
            return this;
        }

        /** @return the immutable message */
        public OutgoingMessage build() {
            return new OutgoingMessage(this);
        }
    }
}
