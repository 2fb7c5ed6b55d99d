package io.warren;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An exchange declaration: an immutable value, built anywhere and declared later through a
 * {@link Connection} (declaring is idempotent). The default exchange is {@link #DEFAULT}. An
 * exchange may be bound to other exchanges, as kombu's {@code Exchange.bind_to}: what they route
 * with the binding's key flows on to this one; declaring it declares those exchanges and bindings.
 *
 * <pre>{@code
 * Exchange media = Exchange.direct("media");
 * Exchange events = Exchange.builder("events", ExchangeType.TOPIC).durable(false).build();
 * Exchange audit = Exchange.builder("audit", ExchangeType.FANOUT).bindTo(events, "order.#").build();
 * }</pre>
 */
public final class Exchange {

    /** The broker's nameless default exchange: routes to the queue named by the routing key. */
    public static final Exchange DEFAULT = new Builder("", ExchangeType.DIRECT).build();

    private final String name;
    private final ExchangeType type;
    private final boolean durable;
    private final boolean autoDelete;
    private final boolean internal;
    private final Map<String, Object> arguments;
    private final List<Binding> bindings;

    private Exchange(Builder builder) {
        this.name = builder.name;
        this.type = builder.type;
        this.durable = builder.durable;
        this.autoDelete = builder.autoDelete;
        this.internal = builder.internal;
        this.arguments = Map.copyOf(builder.arguments);
        this.bindings = List.copyOf(builder.bindings);
    }

    /**
     * @param name the exchange's name
     * @return a durable direct exchange of that name
     */
    public static Exchange direct(String name) {
        return builder(name, ExchangeType.DIRECT).build();
    }

    /**
     * @param name the exchange's name
     * @return a durable fanout exchange of that name
     */
    public static Exchange fanout(String name) {
        return builder(name, ExchangeType.FANOUT).build();
    }

    /**
     * @param name the exchange's name
     * @return a durable topic exchange of that name
     */
    public static Exchange topic(String name) {
        return builder(name, ExchangeType.TOPIC).build();
    }

    /**
     * @param name the exchange's name
     * @return a durable headers exchange of that name
     */
    public static Exchange headers(String name) {
        return builder(name, ExchangeType.HEADERS).build();
    }

    /**
     * @param name the exchange's name
     * @param type direct, fanout, topic or headers
     * @return a builder for an exchange of that name and type, durable and not auto-deleted
     */
    public static Builder builder(String name, ExchangeType type) {
        return new Builder(name, type);
    }

    /** @return a builder that starts from this declaration */
    public Builder toBuilder() {
        Builder builder = new Builder(name, type).durable(durable).autoDelete(autoDelete).internal(internal);
        builder.arguments.putAll(arguments);
        builder.bindings.addAll(bindings);
        return builder;
    }

    /** @return the name; empty for the default exchange */
    public String name() {
        return name;
    }

    /** @return the routing type */
    public ExchangeType type() {
        return type;
    }

    /** @return whether the exchange survives a broker restart (default true) */
    public boolean durable() {
        return durable;
    }

    /** @return whether the broker deletes it when its last binding goes (default false) */
    public boolean autoDelete() {
        return autoDelete;
    }

    /** @return whether only other exchanges may publish to it (default false) */
    public boolean internal() {
        return internal;
    }

    /** @return extra declaration arguments, such as {@code alternate-exchange} */
    public Map<String, Object> arguments() {
        return arguments;
    }

    /**
     * @return the exchanges this one is bound to, each with its key or headers: messages they route
     *     with it come on to this exchange
     */
    public List<Binding> bindings() {
        return bindings;
    }

    /** @return whether this is the broker's default exchange, which is never declared */
    public boolean isDefault() {
        return name.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Exchange that
                && name.equals(that.name) && type == that.type && durable == that.durable
                && autoDelete == that.autoDelete && internal == that.internal
                && arguments.equals(that.arguments) && bindings.equals(that.bindings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, durable, autoDelete, internal, arguments, bindings);
    }

    @Override
    public String toString() {
        return "Exchange[" + (isDefault() ? "(default)" : name) + ", " + type.amqpName()
                + (durable ? ", durable" : "") + (autoDelete ? ", auto-delete" : "")
                + (internal ? ", internal" : "") + (arguments.isEmpty() ? "" : ", " + arguments)
                + (bindings.isEmpty() ? "" : ", bound to " + bindings.stream()
                        .map(binding -> binding.exchange().name() + " '" + binding.routingKey() + "'").toList()) + "]";
    }

    /** Builds an {@link Exchange}. */
    public static final class Builder {
        private final String name;
        private final ExchangeType type;
        private boolean durable = true;
        private boolean autoDelete;
        private boolean internal;
        private final Map<String, Object> arguments = new LinkedHashMap<>();
        private final List<Binding> bindings = new ArrayList<>();

        private Builder(String name, ExchangeType type) {
            this.name = Objects.requireNonNull(name, "exchange name");
            this.type = Objects.requireNonNull(type, "exchange type");
        }

        /**
         * @param durable whether it survives a broker restart
         * @return this builder
         */
        public Builder durable(boolean durable) {
            this.durable = durable;
            return this;
        }

        /**
         * @param autoDelete whether the broker deletes it when its last binding goes
         * @return this builder
         */
        public Builder autoDelete(boolean autoDelete) {
            this.autoDelete = autoDelete;
            return this;
        }

        /**
         * @param internal whether only other exchanges may publish to it
         * @return this builder
         */
        public Builder internal(boolean internal) {
            this.internal = internal;
            return this;
        }

        /**
         * @param exchange where the broker sends messages this exchange cannot route
         * @return this builder
         */
        public Builder alternateExchange(String exchange) {
            return argument("alternate-exchange", exchange);
        }

        /**
         * Adds a declaration argument as the broker names it.
         *
         * @param key the argument's name as the broker spells it, e.g. {@code x-max-priority}
         * @param value the argument's value
         * @return this builder
         */
        public Builder argument(String key, Object value) {
            arguments.put(Objects.requireNonNull(key), Objects.requireNonNull(value, key));
            return this;
        }

        /**
         * Binds this exchange to a source exchange, as kombu's {@code Exchange.bind_to}: what the
         * source routes with the key comes on to this exchange.
         *
         * @param source the exchange messages come from; declared with this one
         * @param routingKey the binding key (ignored by fanout and headers sources)
         * @return this builder
         */
        public Builder bindTo(Exchange source, String routingKey) {
            return bindTo(Binding.of(source, routingKey));
        }

        /**
         * Binds this exchange to a source exchange, with the binding's key or headers.
         *
         * @param binding the source exchange and what to match there; {@link Binding#headers} for a headers source
         * @return this builder
         */
        public Builder bindTo(Binding binding) {
            Objects.requireNonNull(binding, "binding");
            if (binding.exchange().name().equals(name)) {
                throw new IllegalArgumentException("Exchange '" + name + "' cannot be bound to itself");
            }
            bindings.add(binding);
            return this;
        }

        /** @return the immutable declaration */
        public Exchange build() {
            if (name.isEmpty() && !bindings.isEmpty()) {
                throw new IllegalArgumentException("The default exchange cannot be bound to other exchanges");
            }
            return new Exchange(this);
        }
    }
}
