package io.warren.test;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message taken from a queue by the kit, for assertions.
 *
 * @param exchange the exchange it was published to (or dead-lettered through)
 * @param routingKey its routing key
 * @param redelivered whether the broker delivered it before
 * @param properties its AMQP properties, headers included
 * @param body its body as sent
 */
public record Delivered(String exchange, String routingKey, boolean redelivered, AMQP.BasicProperties properties,
                        byte[] body) {

    static Delivered of(GetResponse response) {
        return new Delivered(response.getEnvelope().getExchange(), response.getEnvelope().getRoutingKey(),
                response.getEnvelope().isRedeliver(), response.getProps(), response.getBody());
    }

    /** @return the body as UTF-8 text (JSON bodies included) */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** @return the content type, or null */
    public String contentType() {
        return properties.getContentType();
    }

    /** @return the headers, long strings as Java strings; empty when there are none */
    public Map<String, Object> headers() {
        Map<String, Object> headers = new LinkedHashMap<>();
        if (properties.getHeaders() != null) {
            properties.getHeaders().forEach((name, value) -> headers.put(name,
                    value instanceof LongString text ? text.toString() : value));
        }
        return headers;
    }

    /** @return one header, long strings as Java strings, or null */
    public Object header(String name) {
        return headers().get(name);
    }

    /** @return why Warren dead-lettered it ({@code x-warren-reason}), or null */
    public String deadLetterReason() {
        Object reason = header("x-warren-reason");
        return reason == null ? null : reason.toString();
    }

    @Override
    public String toString() {
        return "Delivered[" + exchange + " '" + routingKey + "'" + (redelivered ? " redelivered" : "") + " "
                + contentType() + " " + text() + " " + headers() + "]";
    }
}
