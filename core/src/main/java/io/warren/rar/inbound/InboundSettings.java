package io.warren.rar.inbound;

import io.warren.Binding;
import io.warren.Exchange;
import io.warren.ExchangeType;
import io.warren.Queue;
import io.warren.QueueType;
import io.warren.rar.config.PropertyValues;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static io.warren.rar.inbound.ActivationProperty.ACCEPT;
import static io.warren.rar.inbound.ActivationProperty.ACK_EVERY;
import static io.warren.rar.inbound.ActivationProperty.ACK_MODE;
import static io.warren.rar.inbound.ActivationProperty.BATCH_SIZE;
import static io.warren.rar.inbound.ActivationProperty.BATCH_TIMEOUT_MILLIS;
import static io.warren.rar.inbound.ActivationProperty.BINDING_HEADERS;
import static io.warren.rar.inbound.ActivationProperty.CONCURRENCY;
import static io.warren.rar.inbound.ActivationProperty.CONSUMER_PRIORITY;
import static io.warren.rar.inbound.ActivationProperty.DEAD_LETTER_EXCHANGE;
import static io.warren.rar.inbound.ActivationProperty.DEAD_LETTER_ROUTING_KEY;
import static io.warren.rar.inbound.ActivationProperty.DECLARE;
import static io.warren.rar.inbound.ActivationProperty.DURABLE;
import static io.warren.rar.inbound.ActivationProperty.EXCHANGE;
import static io.warren.rar.inbound.ActivationProperty.EXCHANGE_BINDINGS;
import static io.warren.rar.inbound.ActivationProperty.EXCLUSIVE;
import static io.warren.rar.inbound.ActivationProperty.HEADERS_MATCH;
import static io.warren.rar.inbound.ActivationProperty.MAX_DECOMPRESSED_BYTES;
import static io.warren.rar.inbound.ActivationProperty.MAX_DELIVERIES;
import static io.warren.rar.inbound.ActivationProperty.MAX_HELD_BYTES;
import static io.warren.rar.inbound.ActivationProperty.MAX_LENGTH;
import static io.warren.rar.inbound.ActivationProperty.MAX_RECONNECT_INTERVAL_MILLIS;
import static io.warren.rar.inbound.ActivationProperty.MAX_REDELIVERY_DELAY_MILLIS;
import static io.warren.rar.inbound.ActivationProperty.MESSAGE_TTL_MILLIS;
import static io.warren.rar.inbound.ActivationProperty.OVERFLOW;
import static io.warren.rar.inbound.ActivationProperty.PREFETCH;
import static io.warren.rar.inbound.ActivationProperty.QUEUE;
import static io.warren.rar.inbound.ActivationProperty.QUEUES;
import static io.warren.rar.inbound.ActivationProperty.QUEUE_ARGUMENTS;
import static io.warren.rar.inbound.ActivationProperty.RECONNECT_ATTEMPTS;
import static io.warren.rar.inbound.ActivationProperty.RECONNECT_INTERVAL_MILLIS;
import static io.warren.rar.inbound.ActivationProperty.REDELIVERY_DELAY_MILLIS;
import static io.warren.rar.inbound.ActivationProperty.REDELIVERY_MULTIPLIER;
import static io.warren.rar.inbound.ActivationProperty.ROUTING_KEYS;
import static io.warren.rar.inbound.ActivationProperty.SHUTDOWN_TIMEOUT_MILLIS;
import static io.warren.rar.inbound.ActivationProperty.SINGLE_ACTIVE_CONSUMER;
import static io.warren.rar.inbound.ActivationProperty.STREAM_OFFSET;

/**
 * An activation's settings: the queues to declare (with their bindings) and how to consume them,
 * built from the activation properties as their declarations read them and {@link ActivationRules}
 * checks them. Every bad value is in {@link #problems()}, each naming its property; a bad value
 * stands at its default here, so building never fails.
 */
final class InboundSettings {

    enum AckMode { CONTAINER, MANUAL }

    /**
     * {@code ackEvery} when unset is half the prefetch, at most this: consumption peaked at 25 acks
     * per {@code basic.ack} at prefetch 50, 250 and 1000, on classic and quorum queues alike
     * (docs/performance.md has the measurements).
     */
    static final int DEFAULT_MAX_ACK_EVERY = 25;

    /** The delivery limit RabbitMQ 4 gives a quorum queue that declares none. */
    static final int BROKER_DELIVERY_LIMIT = 20;
    /**
     * Deliveries the container turns away (the MDB never ran) are no attempts to Warren, but the
     * broker counts them: the limit Warren declares leaves this many on top of maxDeliveries.
     */
    static final int REFUSAL_ROOM = 20;

    private final PropertyValues<ActivationProperty> values;
    private final Exchange exchange;
    private final List<Queue> queues;
    private final Map<String, Object> consumeArguments;
    // asked on every delivery: read once
    private final boolean stream;
    private final int maxDeliveries;
    private final RedeliveryDelays redeliveryDelays;

    private InboundSettings(Map<ActivationProperty, String> configured) {
        values = PropertyValues.read(ActivationProperty.class, configured).check(ActivationRules.ALL);
        stream = ActivationRules.queueType(values) == QueueType.STREAM;
        maxDeliveries = values.integer(MAX_DELIVERIES);
        redeliveryDelays = buildRedeliveryDelays();
        exchange = values.isSet(EXCHANGE)
                ? Exchange.builder(values.text(EXCHANGE), ActivationRules.exchangeType(values)).durable(values.bool(DURABLE)).build()
                : null;
        queues = buildQueues();
        consumeArguments = buildConsumeArguments();
    }

    static InboundSettings parse(Map<ActivationProperty, String> configured) {
        return new InboundSettings(configured);
    }

    private List<Queue> buildQueues() {
        Set<String> names = new LinkedHashSet<>();
        if (values.isSet(QUEUE)) {
            names.add(values.text(QUEUE));
        }
        names.addAll(values.list(QUEUES));
        QueueType type = ActivationRules.queueType(values);
        Map<String, Object> arguments = queueArguments();
        Function<String, List<Binding>> bindings = bindings();
        return names.stream().map(name -> {
            Queue.Builder queue = Queue.builder(name).durable(values.bool(DURABLE));
            arguments.forEach(queue::argument);
            if (type != QueueType.CLASSIC) {
                queue.type(type);
            }
            if (type == QueueType.QUORUM && !arguments.containsKey(ActivationRules.DELIVERY_LIMIT)
                    && maxDeliveries > BROKER_DELIVERY_LIMIT) {
                // RabbitMQ 4 would end the message at its default limit, before Warren counts maxDeliveries
                queue.argument(ActivationRules.DELIVERY_LIMIT, (long) maxDeliveries + REFUSAL_ROOM);
            }
            // a stream takes no dead-letter arguments (the broker refuses them): Warren sends its dead letters itself
            if (deadLetterExchange() != null && type != QueueType.STREAM) {
                queue.deadLetterExchange(deadLetterExchange());
                if (deadLetterRoutingKey() != null) {
                    queue.deadLetterRoutingKey(deadLetterRoutingKey());
                }
            }
            bindings.apply(name).forEach(queue::bind);
            return queue.build();
        }).toList();
    }

    /** @return the declaration arguments from queueArguments and the named properties, which win */
    private Map<String, Object> queueArguments() {
        Map<String, Object> arguments = new LinkedHashMap<>(values.pairs(QUEUE_ARGUMENTS));
        // RabbitMQ takes these as longs
        Integer ttl = values.get(MESSAGE_TTL_MILLIS, Integer.class);
        if (ttl != null) {
            arguments.put("x-message-ttl", ttl.longValue());
        }
        Integer maxLength = values.get(MAX_LENGTH, Integer.class);
        if (maxLength != null) {
            arguments.put("x-max-length", maxLength.longValue());
        }
        if (values.text(OVERFLOW) != null) {
            arguments.put("x-overflow", values.text(OVERFLOW));
        }
        if (values.bool(SINGLE_ACTIVE_CONSUMER)) {
            arguments.put("x-single-active-consumer", true);
        }
        return arguments;
    }

    /** @return each queue's bindings by its name */
    private Function<String, List<Binding>> bindings() {
        if (exchange == null) {
            return queue -> List.of();
        }
        if (exchange.type() == ExchangeType.HEADERS) {
            List<Binding> headerBinding = List.of(Binding.headers(exchange,
                    values.get(HEADERS_MATCH, Binding.HeaderMatch.class), values.pairs(BINDING_HEADERS)));
            return queue -> headerBinding;
        }
        List<String> keys = values.list(ROUTING_KEYS);
        if (keys.isEmpty()) {
            // kombu's and most users' convention: the queue's name is its key; "" would match almost nothing
            return queue -> List.of(Binding.of(exchange, queue));
        }
        List<Binding> keyBindings = keys.stream().map(key -> Binding.of(exchange, key)).toList();
        return queue -> keyBindings;
    }

    private Map<String, Object> buildConsumeArguments() {
        Map<String, Object> arguments = new LinkedHashMap<>();
        Integer priority = values.get(CONSUMER_PRIORITY, Integer.class);
        if (priority != null) {
            arguments.put("x-priority", priority);
        }
        if (stream()) {
            arguments.put("x-stream-offset", values.get(STREAM_OFFSET, Object.class));
        }
        return arguments;
    }

    List<String> problems() {
        return values.problems();
    }

    List<Queue> queues() {
        return queues;
    }

    boolean declare() {
        return values.bool(DECLARE);
    }

    int prefetch() {
        return values.integer(PREFETCH);
    }

    /** @return how many acks of successful deliveries are held at most before they go as one */
    int ackEvery() {
        return values.integer(ACK_EVERY);
    }

    /** @return the most messages one {@code onMessages} call takes (1: each message alone) */
    int batchSize() {
        return values.integer(BATCH_SIZE);
    }

    /** @return how long a partial batch waits for more messages */
    Duration batchTimeout() {
        return Duration.ofMillis(values.integer(BATCH_TIMEOUT_MILLIS));
    }

    int concurrency() {
        return values.integer(CONCURRENCY);
    }

    AckMode ackMode() {
        return values.get(ACK_MODE, AckMode.class);
    }

    int maxDeliveries() {
        return maxDeliveries;
    }

    /** @return accepted content types or serializer names as configured; empty for every registered one */
    Set<String> accept() {
        return Set.copyOf(values.list(ACCEPT));
    }

    /** @return how many bytes a compressed body may inflate to */
    int maxDecompressedBytes() {
        return values.integer(MAX_DECOMPRESSED_BYTES);
    }

    /** @return how many bytes of bodies the consumers may hold before they narrow their prefetch */
    long maxHeldBytes() {
        return values.integer(MAX_HELD_BYTES);
    }

    /**
     * @return whether a consumer may cancel and consume again to change its prefetch: not on a
     *     single-active-consumer queue, where the cancel would hand the queue to another consumer
     */
    boolean windowsAdjustable() {
        return queues.stream().noneMatch(queue -> Boolean.TRUE.equals(queue.arguments().get("x-single-active-consumer")));
    }

    /** @return how long failed messages wait before their next delivery */
    RedeliveryDelays redeliveryDelays() {
        return redeliveryDelays;
    }

    private RedeliveryDelays buildRedeliveryDelays() {
        int first = values.integer(REDELIVERY_DELAY_MILLIS);
        if (first == 0) {
            return RedeliveryDelays.NONE;
        }
        return new RedeliveryDelays(first, values.decimal(REDELIVERY_MULTIPLIER),
                Math.max(first, values.integer(MAX_REDELIVERY_DELAY_MILLIS)));
    }

    /** @return whether the queues are streams: no requeue, no reject, each consumer reads from an offset */
    boolean stream() {
        return stream;
    }

    /** @return whether each consumer asks to be the queue's only one */
    boolean exclusive() {
        return values.bool(EXCLUSIVE);
    }

    /** @return the basic.consume arguments: x-priority, x-stream-offset */
    Map<String, Object> consumeArguments() {
        return Map.copyOf(consumeArguments);
    }

    /**
     * @return the bindings of the activation's exchange to source exchanges (exchangeBindings), in
     *     the order configured; empty without an exchange
     */
    List<ExchangeBinding> exchangeBindings() {
        if (exchange == null) {
            return List.of();
        }
        return values.list(EXCHANGE_BINDINGS).stream().map(entry -> new ExchangeBinding(exchange.name(),
                ActivationRules.sourceOf(entry), ActivationRules.routingKeyOf(entry))).toList();
    }

    /** A binding of the activation's exchange to a source exchange that is not Warren's to declare. */
    record ExchangeBinding(String destination, String source, String routingKey) {
    }

    /** @return the exchange dead letters go to, or null to park them in {@code <queue>.dead-letters} */
    String deadLetterExchange() {
        return values.text(DEAD_LETTER_EXCHANGE);
    }

    /** @return the routing key dead letters get, or null for their own */
    String deadLetterRoutingKey() {
        return values.text(DEAD_LETTER_ROUTING_KEY);
    }

    /** @return the waits between reconnection attempts */
    Backoff reconnectBackoff() {
        Duration first = Duration.ofMillis(values.integer(RECONNECT_INTERVAL_MILLIS));
        Duration max = Duration.ofMillis(values.integer(MAX_RECONNECT_INTERVAL_MILLIS));
        return new Backoff(first, max.compareTo(first) < 0 ? first : max);
    }

    int reconnectAttempts() {
        return values.integer(RECONNECT_ATTEMPTS);
    }

    Duration shutdownTimeout() {
        return Duration.ofMillis(values.integer(SHUTDOWN_TIMEOUT_MILLIS));
    }
}
