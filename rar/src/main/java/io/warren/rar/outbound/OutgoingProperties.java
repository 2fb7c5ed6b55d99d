package io.warren.rar.outbound;

import com.rabbitmq.client.AMQP;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.rar.messages.ReceivedMessage;
import io.warren.rar.serialization.Compression;
import io.warren.rar.serialization.Serializers;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns an {@link OutgoingMessage}'s properties into AMQP's. */
final class OutgoingProperties {

    private OutgoingProperties() {
    }

    /** A message as it goes over the wire: encoded, compressed when asked, with its properties. */
    record Wire(AMQP.BasicProperties properties, byte[] body) {
    }

    /** Encodes the message's payload, compresses it when the message or the producer asks, and sets the properties. */
    static Wire wire(Serializers serializers, Producer.Settings settings, OutgoingMessage message) {
        Serializers.Encoded encoded = serializers.encode(message.payload(), message.serializer(),
                settings.serializer(), message.contentType(), message.contentEncoding());
        Compression compression = Compression.forPublishing(
                message.compression() != null ? message.compression() : settings.compression());
        if (compression == null) {
            return new Wire(of(message, encoded, null), encoded.body());
        }
        return new Wire(of(message, encoded, compression), compression.compress(encoded.body()));
    }

    static AMQP.BasicProperties of(OutgoingMessage message, Serializers.Encoded encoded, Compression compression) {
        AMQP.BasicProperties.Builder builder = new AMQP.BasicProperties.Builder()
                .contentType(encoded.contentType())
                .contentEncoding(encoded.contentEncoding())
                .deliveryMode(message.persistent() ? 2 : 1)
                .priority(message.priority())
                .messageId(message.messageId())
                .correlationId(message.correlationId())
                .replyTo(message.replyTo())
                .type(message.type())
                .appId(message.appId());
        if (compression != null) {
            Map<String, Object> headers = amqpHeaders(message.headers());
            headers.put(ReceivedMessage.COMPRESSION_HEADER, compression.contentType());
            builder.headers(headers);
        } else if (!message.headers().isEmpty()) {
            builder.headers(amqpHeaders(message.headers()));
        }
        if (message.expiration() != null) {
            builder.expiration(Long.toString(message.expiration().toMillis()));
        }
        if (message.timestamp() != null) {
            builder.timestamp(Date.from(message.timestamp()));
        }
        return builder.build();
    }

    /** AMQP tables know dates but not {@link Instant}s; everything else the client writes itself. */
    private static Map<String, Object> amqpHeaders(Map<String, Object> headers) {
        Map<String, Object> table = new LinkedHashMap<>(headers.size());
        headers.forEach((name, value) -> table.put(name, amqpValue(value)));
        return table;
    }

    @SuppressWarnings("unchecked")
    private static Object amqpValue(Object value) {
        if (value instanceof Instant instant) {
            return Date.from(instant);
        }
        if (value instanceof Map<?, ?> map) {
            return amqpHeaders((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(OutgoingProperties::amqpValue).toList();
        }
        return value;
    }
}
