package io.warren;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A binding of a queue, or of another exchange ({@link Exchange.Builder#bindTo}), to an exchange:
 * a routing key, or for a headers exchange the headers to match. Declaring a {@link Queue} or an
 * {@link Exchange} declares its bindings' exchanges and the bindings themselves.
 *
 * @param exchange the exchange the queue is bound to (the source of an exchange-to-exchange binding)
 * @param routingKey the binding key (ignored by fanout and headers exchanges)
 * @param arguments binding arguments; for a headers exchange, the headers and {@code x-match}
 */
public record Binding(Exchange exchange, String routingKey, Map<String, Object> arguments) {

    /**
     * Validates and copies the arguments.
     *
     * @param exchange the exchange the queue is bound to; not the default exchange
     * @param routingKey the binding key; null for none
     * @param arguments binding arguments; null for none
     */
    public Binding {
        Objects.requireNonNull(exchange, "exchange");
        if (exchange.isDefault()) {
            throw new IllegalArgumentException("Queues cannot be bound to the default exchange: "
                    + "it already routes to every queue by its name");
        }
        routingKey = routingKey == null ? "" : routingKey;
        arguments = Map.copyOf(arguments == null ? Map.of() : arguments);
    }

    /**
     * A binding by routing key.
     *
     * @param exchange the exchange the queue is bound to
     * @param routingKey the binding key
     * @return a binding with that routing key and no arguments
     */
    public static Binding of(Exchange exchange, String routingKey) {
        return new Binding(exchange, routingKey, Map.of());
    }

    /**
     * A binding for a headers exchange.
     *
     * @param exchange a headers exchange
     * @param match whether all the headers must match, or any one of them
     * @param headers the header values to match
     * @return the binding
     */
    public static Binding headers(Exchange exchange, HeaderMatch match, Map<String, ?> headers) {
        Map<String, Object> arguments = new LinkedHashMap<>(headers);
        arguments.put("x-match", match.amqpName());
        return new Binding(exchange, "", arguments);
    }

    /** Whether a headers binding needs every header to match or just one. */
    public enum HeaderMatch {
        /** Every listed header must be present with the given value. */
        ALL,
        /** At least one listed header must be present with the given value. */
        ANY;

        /** @return {@code all} or {@code any}, the {@code x-match} value */
        public String amqpName() {
            return this == ALL ? "all" : "any";
        }
    }
}
