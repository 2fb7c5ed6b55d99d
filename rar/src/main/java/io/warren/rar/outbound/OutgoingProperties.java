package io.warren.rar.outbound;

import com.rabbitmq.client.AMQP;
import io.warren.OutgoingMessage;
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

    static AMQP.BasicProperties of(OutgoingMessage message, Serializers.Encoded encoded) {
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
        if (!message.headers().isEmpty()) {
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
