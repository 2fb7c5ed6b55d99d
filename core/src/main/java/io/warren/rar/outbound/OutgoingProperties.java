package io.warren.rar.outbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import io.warren.EncodeException;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.ProducerSettings;
import io.warren.rar.messages.ReceivedMessage;
import io.warren.rar.serialization.Compression;
import io.warren.rar.serialization.Serializers;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns an {@link OutgoingMessage}'s properties into AMQP's; public for the replies of MDBs, which the inbound side sends. */
public final class OutgoingProperties {

    private OutgoingProperties() {
    }

    /** A message as it goes over the wire: encoded, compressed when asked, with its properties. */
    public record Wire(AMQP.BasicProperties properties, byte[] body) {
    }

    /** Compresses the encoded payload when the message or the producer asks, and sets the properties. */
    public static Wire wire(Serializers.Encoded encoded, ProducerSettings settings, OutgoingMessage message) {
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
        Map<String, Object> headers = amqpHeaders(message.headers(), "", encoded.contentType());
        // a received message forwarded with its headers carries another publish's id, whose return
        // it would otherwise be taken for
        headers.remove(PendingConfirms.PUBLISH_ID);
        if (compression != null) {
            headers.put(ReceivedMessage.COMPRESSION_HEADER, compression.contentType());
        }
        if (!headers.isEmpty()) {
            builder.headers(headers);
        }
        if (message.expiration() != null) {
            builder.expiration(Long.toString(message.expiration().toMillis()));
        }
        if (message.timestamp() != null) {
            builder.timestamp(Date.from(message.timestamp()));
        }
        return builder.build();
    }

    /**
     * AMQP tables know dates but not {@link Instant}s. Every value is checked here, as the client
     * finds one it cannot write only while writing the frame, with an IllegalArgumentException.
     */
    private static Map<String, Object> amqpHeaders(Map<?, ?> headers, String prefix, String contentType) {
        Map<String, Object> table = new LinkedHashMap<>(headers.size());
        headers.forEach((name, value) -> table.put(String.valueOf(name),
                amqpValue(value, prefix + name, contentType)));
        return table;
    }

    private static Object amqpValue(Object value, String header, String contentType) {
        if (value instanceof Instant instant) {
            return Date.from(instant);
        }
        if (value instanceof Map<?, ?> map) {
            return amqpHeaders(map, header + ".", contentType);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> amqpValue(item, header + "[]", contentType)).toList();
        }
        if (value == null || value instanceof String || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof Boolean
                || value instanceof Double || value instanceof Float || value instanceof BigDecimal
                || value instanceof Date || value instanceof byte[] || value instanceof LongString) {
            return value;
        }
        String type = value.getClass().getName();
        throw new EncodeException("Header '" + header + "' holds a " + type + ", which AMQP headers cannot carry "
                + "(of a message with content type " + contentType + "); use a String, Integer, Long, Short, Byte, "
                + "Boolean, Double, Float, BigDecimal, Instant, Date, byte[], List or Map, e.g. its toString()",
                type, contentType, null);
    }
}
