package io.warren.rar.inbound;

import io.warren.Binding;
import io.warren.Exchange;
import io.warren.ExchangeType;
import io.warren.Queue;
import io.warren.QueueType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * An activation's parsed settings: the queues to declare (with their bindings) and how to consume
 * them. Every bad value is collected in {@link #problems()}, each naming its property.
 */
final class InboundSettings {

    enum AckMode { CONTAINER, MANUAL }

    /**
     * {@code ackEvery} when unset is half the prefetch, at most this: consumption peaked at 25 acks
     * per {@code basic.ack} at prefetch 50, 250 and 1000, on classic and quorum queues alike
     * (docs/performance.md has the measurements).
     */
    static final int DEFAULT_MAX_ACK_EVERY = 25;

    private final Map<ActivationProperty, String> values;
    private final List<String> problems = new ArrayList<>();
    private final List<Queue> queues = new ArrayList<>();
    private final Exchange exchange;
    private final boolean declare;
    private final int prefetch;
    private final int ackEvery;
    private final int concurrency;
    private final AckMode ackMode;
    private final int maxDeliveries;
    private final Set<String> accept;
    private final Backoff reconnectBackoff;
    private final int reconnectAttempts;
    private final Duration shutdownTimeout;
    private final int maxDecompressedBytes;
    private final RedeliveryDelays redeliveryDelays;
    private QueueType queueType = QueueType.CLASSIC;
    private final boolean exclusive;
    private final Map<String, Object> consumeArguments = new LinkedHashMap<>();

    private InboundSettings(Map<ActivationProperty, String> configured) {
        values = new LinkedHashMap<>();
        for (ActivationProperty property : ActivationProperty.values()) {
            String value = configured.get(property);
            values.put(property, value != null ? value : property.defaultValue());
        }
        declare = bool(ActivationProperty.DECLARE);
        prefetch = integer(ActivationProperty.PREFETCH, 1, 65_535);
        ackEvery = parseAckEvery();
        concurrency = integer(ActivationProperty.CONCURRENCY, 1, 1_000);
        maxDeliveries = integer(ActivationProperty.MAX_DELIVERIES, 1, Integer.MAX_VALUE);
        reconnectBackoff = parseBackoff();
        reconnectAttempts = integer(ActivationProperty.RECONNECT_ATTEMPTS, -1, Integer.MAX_VALUE);
        shutdownTimeout = Duration.ofMillis(integer(ActivationProperty.SHUTDOWN_TIMEOUT_MILLIS, 0, Integer.MAX_VALUE));
        ackMode = parseAckMode();
        accept = Set.copyOf(list(ActivationProperty.ACCEPT));
        maxDecompressedBytes = integer(ActivationProperty.MAX_DECOMPRESSED_BYTES, 1, Integer.MAX_VALUE);
        exchange = parseExchange();
        redeliveryDelays = parseRedeliveryDelays();
        exclusive = bool(ActivationProperty.EXCLUSIVE);
        buildQueues();
        parseConsumeArguments(configured.containsKey(ActivationProperty.STREAM_OFFSET));
    }

    static InboundSettings parse(Map<ActivationProperty, String> configured) {
        return new InboundSettings(configured);
    }

    private String value(ActivationProperty property) {
        return values.get(property);
    }

    private List<String> list(ActivationProperty property) {
        String value = value(property);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.split(",")).map(String::trim).filter(item -> !item.isEmpty()).toList();
    }

    private int integer(ActivationProperty property, int minimum, int maximum) {
        String value = value(property);
        try {
            int number = Integer.parseInt(value);
            if (number >= minimum && number <= maximum) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(property.propertyName() + ": '" + value + "' must be a whole number from " + minimum
                + (maximum == Integer.MAX_VALUE ? " up" : " to " + maximum));
        return property.defaultValue() == null ? Math.max(minimum, 0) : Integer.parseInt(property.defaultValue());
    }

    /**
     * Unset, half the prefetch and at most {@value #DEFAULT_MAX_ACK_EVERY}: more acks per
     * {@code basic.ack} bought nothing measurable, and held acks are messages the broker would
     * redeliver after a crash.
     */
    private int parseAckEvery() {
        String value = value(ActivationProperty.ACK_EVERY);
        int fallback = Math.max(1, Math.min(prefetch / 2, DEFAULT_MAX_ACK_EVERY));
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int every = Integer.parseInt(value.trim());
            if (every >= 1 && every <= prefetch) {
                return every;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add("ackEvery: '" + value + "' must be a whole number from 1 to the prefetch (" + prefetch
                + "); leave it unset for half the prefetch, at most " + DEFAULT_MAX_ACK_EVERY);
        return fallback;
    }

    private boolean bool(ActivationProperty property) {
        String value = value(property);
        if (!"true".equalsIgnoreCase(value) && !"false".equalsIgnoreCase(value)) {
            problems.add(property.propertyName() + ": '" + value + "' must be true or false");
        }
        return Boolean.parseBoolean(value);
    }

    private Backoff parseBackoff() {
        Duration first = Duration.ofMillis(integer(ActivationProperty.RECONNECT_INTERVAL_MILLIS, 1, Integer.MAX_VALUE));
        Duration max = Duration.ofMillis(integer(ActivationProperty.MAX_RECONNECT_INTERVAL_MILLIS, 1, Integer.MAX_VALUE));
        if (max.compareTo(first) < 0) {
            problems.add("maxReconnectIntervalMillis: " + max.toMillis() + " is less than reconnectIntervalMillis ("
                    + first.toMillis() + "); it must be at least that");
            max = first;
        }
        return new Backoff(first, max);
    }

    private RedeliveryDelays parseRedeliveryDelays() {
        int first = integer(ActivationProperty.REDELIVERY_DELAY_MILLIS, 0, Integer.MAX_VALUE);
        int max = integer(ActivationProperty.MAX_REDELIVERY_DELAY_MILLIS, 1, Integer.MAX_VALUE);
        String text = value(ActivationProperty.REDELIVERY_MULTIPLIER);
        double multiplier = 2;
        try {
            multiplier = Double.parseDouble(text);
            if (!(multiplier >= 1 && multiplier <= 100)) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            problems.add("redeliveryMultiplier: '" + text + "' must be a number from 1 to 100 (1 keeps the delay fixed)");
            multiplier = 2;
        }
        if (first == 0) {
            return RedeliveryDelays.NONE;
        }
        if (max < first) {
            problems.add("maxRedeliveryDelayMillis: " + max + " is less than redeliveryDelayMillis (" + first
                    + "); it must be at least that");
            max = first;
        }
        return new RedeliveryDelays(first, multiplier, max);
    }

    /** Consumer arguments, and the rules streams and exclusive consumers bring with them. */
    private void parseConsumeArguments(boolean offsetConfigured) {
        String priority = value(ActivationProperty.CONSUMER_PRIORITY);
        if (priority != null) {
            consumeArguments.put("x-priority", integer(ActivationProperty.CONSUMER_PRIORITY, Integer.MIN_VALUE,
                    Integer.MAX_VALUE));
        }
        if (exclusive && concurrency > 1) {
            problems.add("exclusive: an exclusive consumer refuses every other, so it needs concurrency=1 (it is "
                    + concurrency + ")");
        }
        if (queueType != QueueType.STREAM) {
            if (offsetConfigured) {
                problems.add("streamOffset: only a stream is read from an offset; set queueType=stream or leave "
                        + "streamOffset unset");
            }
            return;
        }
        Object offset = ArgumentText.streamOffset("streamOffset", value(ActivationProperty.STREAM_OFFSET), problems);
        if (offset != null) {
            consumeArguments.put("x-stream-offset", offset);
        }
        if (concurrency > 1) {
            problems.add("concurrency: every consumer of a stream reads every message, so a stream needs "
                    + "concurrency=1 (it is " + concurrency + ")");
        }
        if (redeliveryDelays.enabled()) {
            problems.add("redeliveryDelayMillis: a stream cannot take a message back, so a failed delivery of a "
                    + "stream is dead-lettered at once; leave redeliveryDelayMillis at 0 for queueType=stream");
        }
    }

    private AckMode parseAckMode() {
        String value = value(ActivationProperty.ACK_MODE);
        for (AckMode mode : AckMode.values()) {
            if (mode.name().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        problems.add("ackMode: '" + value + "' must be container or manual");
        return AckMode.CONTAINER;
    }

    private Exchange parseExchange() {
        String name = value(ActivationProperty.EXCHANGE);
        ExchangeType type;
        try {
            type = ExchangeType.of(value(ActivationProperty.EXCHANGE_TYPE));
        } catch (IllegalArgumentException e) {
            problems.add("exchangeType: " + e.getMessage());
            type = ExchangeType.DIRECT;
        }
        if (name == null) {
            return null;
        }
        return Exchange.builder(name, type).durable(bool(ActivationProperty.DURABLE)).build();
    }

    private void buildQueues() {
        Set<String> names = new LinkedHashSet<>();
        if (value(ActivationProperty.QUEUE) != null) {
            names.add(value(ActivationProperty.QUEUE));
        }
        names.addAll(list(ActivationProperty.QUEUES));
        if (names.isEmpty()) {
            problems.add("queue: name the queue to consume with 'queue', or several with 'queues'");
            return;
        }
        QueueType type = null;
        try {
            type = QueueType.of(value(ActivationProperty.QUEUE_TYPE));
            queueType = type;
        } catch (IllegalArgumentException e) {
            problems.add("queueType: " + e.getMessage());
        }
        boolean durable = bool(ActivationProperty.DURABLE);
        if (type != null && type != QueueType.CLASSIC && !durable) {
            problems.add("durable: " + type.amqpName() + " queues are always durable; set durable=true or "
                    + "queueType=classic");
        }
        Map<String, Object> arguments = queueArguments();
        Function<String, List<Binding>> bindings = bindings();
        for (String name : names) {
            Queue.Builder queue = Queue.builder(name).durable(durable);
            arguments.forEach(queue::argument);
            if (type != null && type != QueueType.CLASSIC) {
                queue.type(type);
            }
            // a stream takes no dead-letter arguments (the broker refuses them): Warren sends its dead letters itself
            if (value(ActivationProperty.DEAD_LETTER_EXCHANGE) != null && type != QueueType.STREAM) {
                queue.deadLetterExchange(value(ActivationProperty.DEAD_LETTER_EXCHANGE));
                if (value(ActivationProperty.DEAD_LETTER_ROUTING_KEY) != null) {
                    queue.deadLetterRoutingKey(value(ActivationProperty.DEAD_LETTER_ROUTING_KEY));
                }
            }
            bindings.apply(name).forEach(queue::bind);
            queues.add(queue.build());
        }
    }

    /** @return the declaration arguments from queueArguments and the named properties, which win */
    private Map<String, Object> queueArguments() {
        Map<String, Object> arguments = ArgumentText.pairs("queueArguments", value(ActivationProperty.QUEUE_ARGUMENTS),
                problems);
        if (value(ActivationProperty.MESSAGE_TTL_MILLIS) != null) {
            arguments.put("x-message-ttl", (long) integer(ActivationProperty.MESSAGE_TTL_MILLIS, 0, Integer.MAX_VALUE));
        }
        if (value(ActivationProperty.MAX_LENGTH) != null) {
            arguments.put("x-max-length", (long) integer(ActivationProperty.MAX_LENGTH, 0, Integer.MAX_VALUE));
        }
        String overflow = value(ActivationProperty.OVERFLOW);
        if (overflow != null) {
            try {
                Queue.builder("check").overflow(overflow);
                arguments.put("x-overflow", overflow);
            } catch (IllegalArgumentException e) {
                problems.add("overflow: " + e.getMessage());
            }
        }
        if (bool(ActivationProperty.SINGLE_ACTIVE_CONSUMER)) {
            arguments.put("x-single-active-consumer", true);
        }
        return arguments;
    }

    /** @return each queue's bindings by its name; the properties are checked once, here */
    private Function<String, List<Binding>> bindings() {
        List<String> keys = list(ActivationProperty.ROUTING_KEYS);
        String headers = value(ActivationProperty.BINDING_HEADERS);
        if (exchange == null) {
            if (!keys.isEmpty() || headers != null) {
                problems.add("exchange: routingKeys and bindingHeaders need an exchange to bind to");
            }
            return queue -> List.of();
        }
        if (exchange.isDefault()) {
            problems.add("exchange: queues cannot be bound to the default exchange; leave 'exchange' unset");
            return queue -> List.of();
        }
        if (exchange.type() == ExchangeType.HEADERS) {
            List<Binding> headerBinding = List.of(Binding.headers(exchange, headersMatch(), headerPairs(headers)));
            return queue -> headerBinding;
        }
        if (headers != null) {
            problems.add("bindingHeaders: only a headers exchange matches headers; exchangeType is "
                    + exchange.type().amqpName());
        }
        if (keys.isEmpty()) {
            // kombu's and most users' convention: the queue's name is its key; "" would match almost nothing
            return queue -> List.of(Binding.of(exchange, queue));
        }
        List<Binding> keyBindings = keys.stream().map(key -> Binding.of(exchange, key)).toList();
        return queue -> keyBindings;
    }

    private Binding.HeaderMatch headersMatch() {
        String value = value(ActivationProperty.HEADERS_MATCH);
        try {
            return Binding.HeaderMatch.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add("headersMatch: '" + value + "' must be all or any");
            return Binding.HeaderMatch.ALL;
        }
    }

    private Map<String, Object> headerPairs(String text) {
        Map<String, Object> pairs = new LinkedHashMap<>();
        if (text == null) {
            problems.add("bindingHeaders: a headers exchange needs name=value pairs to match");
            return pairs;
        }
        for (String pair : text.split(",")) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank()) {
                problems.add("bindingHeaders: '" + pair.trim() + "' is not name=value");
            } else {
                pairs.put(parts[0].trim(), parts[1].trim());
            }
        }
        return pairs;
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    List<Queue> queues() {
        return List.copyOf(queues);
    }

    boolean declare() {
        return declare;
    }

    int prefetch() {
        return prefetch;
    }

    /** @return how many acks of successful deliveries are held at most before they go as one */
    int ackEvery() {
        return ackEvery;
    }

    int concurrency() {
        return concurrency;
    }

    AckMode ackMode() {
        return ackMode;
    }

    int maxDeliveries() {
        return maxDeliveries;
    }

    /** @return accepted content types or serializer names as configured; empty for every registered one */
    Set<String> accept() {
        return accept;
    }

    /** @return how many bytes a compressed body may inflate to */
    int maxDecompressedBytes() {
        return maxDecompressedBytes;
    }

    /** @return how long failed messages wait before their next delivery */
    RedeliveryDelays redeliveryDelays() {
        return redeliveryDelays;
    }

    /** @return whether the queues are streams: no requeue, no reject, each consumer reads from an offset */
    boolean stream() {
        return queueType == QueueType.STREAM;
    }

    /** @return whether each consumer asks to be the queue's only one */
    boolean exclusive() {
        return exclusive;
    }

    /** @return the basic.consume arguments: x-priority, x-stream-offset */
    Map<String, Object> consumeArguments() {
        return Map.copyOf(consumeArguments);
    }

    /** @return the exchange dead letters go to, or null to park them in {@code <queue>.dead-letters} */
    String deadLetterExchange() {
        return value(ActivationProperty.DEAD_LETTER_EXCHANGE);
    }

    /** @return the routing key dead letters get, or null for their own */
    String deadLetterRoutingKey() {
        return value(ActivationProperty.DEAD_LETTER_ROUTING_KEY);
    }

    /** @return the waits between reconnection attempts */
    Backoff reconnectBackoff() {
        return reconnectBackoff;
    }

    int reconnectAttempts() {
        return reconnectAttempts;
    }

    Duration shutdownTimeout() {
        return shutdownTimeout;
    }
}
