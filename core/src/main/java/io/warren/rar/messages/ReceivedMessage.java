package io.warren.rar.messages;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.LongString;
import io.warren.Message;
import io.warren.TypeRef;
import io.warren.rar.serialization.Serializers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/** A message as received from a queue, settled once through its {@link Settlement}. */
public final class ReceivedMessage implements Message {

    /** The header in which kombu names a body's compression. */
    public static final String COMPRESSION_HEADER = "compression";

    private final String queue;
    private final Envelope envelope;
    private final AMQP.BasicProperties properties;
    private final byte[] body;
    /** The headers as received (LongString values), or null when the message has none. */
    private final Map<String, Object> amqpHeaders;
    /**
     * Their readable copy, made on the first {@link #headers()}: Warren itself reads single headers on
     * every delivery ({@link #header}), and copying them all there cost about 1 % of a delivery
     * thread in WildFly (docs/profile.md). Made at most a few times when threads race; each copy
     * is unmodifiable and equal.
     */
    private volatile Map<String, Object> headers;
    private final Serializers serializers;
    private final Set<String> accepted;
    private final Settlement settlement;
    private final AtomicReference<Outcome> outcome = new AtomicReference<>(Outcome.PENDING);

    /**
     * @param accepted media types the consumer accepts; empty for every known one
     */
    public ReceivedMessage(String queue, Envelope envelope, AMQP.BasicProperties properties, byte[] body,
                           Serializers serializers, Set<String> accepted, Settlement settlement) {
        this.queue = queue;
        this.envelope = envelope;
        this.properties = properties;
        this.body = body;
        this.amqpHeaders = properties.getHeaders();
        this.serializers = serializers;
        this.accepted = accepted;
        this.settlement = settlement;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readable(Map<String, Object> amqpHeaders) {
        Map<String, Object> converted = new LinkedHashMap<>();
        amqpHeaders.forEach((key, value) -> converted.put(key, readable(value)));
        return Collections.unmodifiableMap(converted);
    }

    @SuppressWarnings("unchecked")
    private static Object readable(Object value) {
        if (value instanceof LongString text) {
            return text.toString();
        }
        if (value instanceof Map<?, ?> map) {
            return readable((Map<String, Object>) map);
        }
        if (value instanceof List<?> list) {
            List<Object> converted = new ArrayList<>(list.size());
            list.forEach(item -> converted.add(readable(item)));
            return Collections.unmodifiableList(converted);
        }
        return value;
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** @return the body without copying, for the adapter's own use */
    public byte[] rawBody() {
        return body;
    }

    /** @return the AMQP properties as received, for the adapter's own use */
    public AMQP.BasicProperties properties() {
        return properties;
    }

    @Override
    public <T> T payload(Class<T> type) {
        return serializers.decode(body, properties.getContentType(), properties.getContentEncoding(),
                compression(), type, accepted);
    }

    @Override
    public <T> T payload(TypeRef<T> type) {
        return serializers.decode(body, properties.getContentType(), properties.getContentEncoding(),
                compression(), type, accepted);
    }

    private String compression() {
        Object compression = header(COMPRESSION_HEADER);
        return compression == null ? null : compression.toString();
    }

    @Override
    public String contentType() {
        return properties.getContentType();
    }

    @Override
    public String contentEncoding() {
        return properties.getContentEncoding();
    }

    @Override
    public Map<String, Object> headers() {
        Map<String, Object> readable = headers;
        if (readable == null) {
            readable = amqpHeaders == null ? Map.of() : readable(amqpHeaders);
            headers = readable;
        }
        return readable;
    }

    @Override
    public Object header(String name) {
        Map<String, Object> readable = headers;
        if (readable != null || amqpHeaders == null) {
            return readable == null ? null : readable.get(name);
        }
        Object value = amqpHeaders.get(name);
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return headers().get(name); // the same nested copy on every call, as headers() gives it
        }
        return readable(value);
    }

    @Override
    public boolean persistent() {
        return Integer.valueOf(2).equals(properties.getDeliveryMode());
    }

    @Override
    public Integer priority() {
        return properties.getPriority();
    }

    @Override
    public String correlationId() {
        return properties.getCorrelationId();
    }

    @Override
    public String replyTo() {
        return properties.getReplyTo();
    }

    @Override
    public String expiration() {
        return properties.getExpiration();
    }

    @Override
    public String messageId() {
        return properties.getMessageId();
    }

    @Override
    public Instant timestamp() {
        return properties.getTimestamp() == null ? null : properties.getTimestamp().toInstant();
    }

    @Override
    public String type() {
        return properties.getType();
    }

    @Override
    public String userId() {
        return properties.getUserId();
    }

    @Override
    public String appId() {
        return properties.getAppId();
    }

    @Override
    public String exchange() {
        return envelope.getExchange();
    }

    @Override
    public String routingKey() {
        return envelope.getRoutingKey();
    }

    @Override
    public String queue() {
        return queue;
    }

    @Override
    public long deliveryTag() {
        return envelope.getDeliveryTag();
    }

    @Override
    public boolean redelivered() {
        return envelope.isRedeliver();
    }

    @Override
    public void ack() {
        settle(Outcome.ACKED);
    }

    @Override
    public void reject() {
        settle(Outcome.REJECTED);
    }

    @Override
    public void requeue() {
        settle(Outcome.REQUEUED);
    }

    private void settle(Outcome wanted) {
        Outcome before = outcome.compareAndExchange(Outcome.PENDING, wanted);
        if (before != Outcome.PENDING) {
            throw new IllegalStateException("Message " + envelope.getDeliveryTag() + " from queue '" + queue
                    + "' was already " + before.name().toLowerCase() + "; it cannot be "
                    + wanted.name().toLowerCase() + " as well");
        }
        try {
            settlement.settle(envelope.getDeliveryTag(), wanted);
        } catch (RuntimeException e) {
            outcome.set(Outcome.PENDING);
            throw e;
        }
    }

    /**
     * Records an outcome the adapter brought about itself (such as a requeue at close), so that
     * a later ack by the application is refused with the reason.
     *
     * @return whether the message was still pending
     */
    public boolean markSettled(Outcome settledBy) {
        return outcome.compareAndSet(Outcome.PENDING, settledBy);
    }

    @Override
    public Outcome outcome() {
        return outcome.get();
    }

    @Override
    public String toString() {
        return "Message[queue='" + queue + "', tag=" + envelope.getDeliveryTag() + ", routingKey='"
                + envelope.getRoutingKey() + "', contentType=" + properties.getContentType()
                + ", " + body.length + " bytes, " + outcome.get() + "]";
    }
}
