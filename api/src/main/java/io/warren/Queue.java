package io.warren;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A queue declaration with its bindings: an immutable value, built anywhere and declared later
 * through a {@link Connection}. Declaring is idempotent; declaring it again with other arguments
 * fails with a {@link DeclarationException} naming the argument that differs.
 *
 * <pre>{@code
 * Queue video = Queue.builder("video").bind(Exchange.direct("media"), "video").build();
 * Queue orders = Queue.builder("orders").type(QueueType.QUORUM).deadLetterExchange("orders.dlx").build();
 * Queue events = Queue.builder("events").type(QueueType.STREAM).maxLengthBytes(1L << 30).build();
 * }</pre>
 *
 * The named argument methods are the ones an MDB sets with the activation properties of the same
 * meaning ({@code queueType}, {@code messageTtlMillis}, {@code maxLength}, {@code overflow},
 * {@code singleActiveConsumer}, {@code queueArguments}).
 */
public final class Queue {

    private final String name;
    private final boolean durable;
    private final boolean exclusive;
    private final boolean autoDelete;
    private final Map<String, Object> arguments;
    private final List<Binding> bindings;

    private Queue(Builder builder) {
        this.name = builder.name;
        this.durable = builder.durable;
        this.exclusive = builder.exclusive;
        this.autoDelete = builder.autoDelete;
        this.arguments = Map.copyOf(builder.arguments);
        this.bindings = List.copyOf(builder.bindings);
    }

    /**
     * @param name the queue's name
     * @return a durable queue of that name with no bindings
     */
    public static Queue named(String name) {
        return builder(name).build();
    }

    /**
     * @param name the queue's name
     * @return a builder for a durable, non-exclusive queue of that name
     */
    public static Builder builder(String name) {
        if (Objects.requireNonNull(name, "queue name").isEmpty()) {
            throw new IllegalArgumentException("A queue name must not be empty: use Queue.serverNamed() "
                    + "for a queue the broker names");
        }
        return new Builder(name).durable(true);
    }

    /**
     * A builder for a queue the broker names when it is declared; such a queue is exclusive,
     * auto-deleted and not durable unless the builder says otherwise.
     *
     * @return the builder
     */
    public static Builder serverNamed() {
        return new Builder("").durable(false).exclusive(true).autoDelete(true);
    }

    /** @return a builder that starts from this declaration */
    public Builder toBuilder() {
        Builder builder = new Builder(name).durable(durable).exclusive(exclusive).autoDelete(autoDelete);
        builder.arguments.putAll(arguments);
        builder.bindings.addAll(bindings);
        return builder;
    }

    /**
     * @param brokerName the name the broker gave the queue
     * @return this declaration with the broker's name for a server-named queue
     */
    public Queue withName(String brokerName) {
        Builder builder = toBuilder();
        builder.name = Objects.requireNonNull(brokerName);
        return builder.build();
    }

    /** @return the name; empty while the broker has yet to name it */
    public String name() {
        return name;
    }

    /** @return whether the queue survives a broker restart (default true) */
    public boolean durable() {
        return durable;
    }

    /** @return whether only the declaring connection may use it */
    public boolean exclusive() {
        return exclusive;
    }

    /** @return whether the broker deletes it when its last consumer goes */
    public boolean autoDelete() {
        return autoDelete;
    }

    /** @return the declaration arguments as the broker names them ({@code x-...}) */
    public Map<String, Object> arguments() {
        return arguments;
    }

    /** @return the bindings declared with the queue */
    public List<Binding> bindings() {
        return bindings;
    }

    /** @return the queue type, {@link QueueType#CLASSIC} unless set */
    public QueueType type() {
        Object type = arguments.get("x-queue-type");
        return type == null ? QueueType.CLASSIC : QueueType.of(type.toString());
    }

    /** @return the dead-letter exchange, or null where none is set */
    public String deadLetterExchange() {
        Object exchange = arguments.get("x-dead-letter-exchange");
        return exchange == null ? null : exchange.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Queue that
                && name.equals(that.name) && durable == that.durable && exclusive == that.exclusive
                && autoDelete == that.autoDelete && arguments.equals(that.arguments)
                && bindings.equals(that.bindings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, durable, exclusive, autoDelete, arguments, bindings);
    }

    @Override
    public String toString() {
        return "Queue[" + (name.isEmpty() ? "(server-named)" : name)
                + (durable ? ", durable" : "") + (exclusive ? ", exclusive" : "")
                + (autoDelete ? ", auto-delete" : "") + (arguments.isEmpty() ? "" : ", " + arguments)
                + (bindings.isEmpty() ? "" : ", bindings=" + bindings) + "]";
    }

    /** Builds a {@link Queue}. */
    public static final class Builder {
        private static final List<String> OVERFLOWS = List.of("drop-head", "reject-publish", "reject-publish-dlx");

        private String name;
        private boolean durable;
        private boolean exclusive;
        private boolean autoDelete;
        private final Map<String, Object> arguments = new LinkedHashMap<>();
        private final List<Binding> bindings = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /**
         * @param durable whether the queue survives a broker restart
         * @return this builder
         */
        public Builder durable(boolean durable) {
            this.durable = durable;
            return this;
        }

        /**
         * @param exclusive whether only the declaring connection may use it
         * @return this builder
         */
        public Builder exclusive(boolean exclusive) {
            this.exclusive = exclusive;
            return this;
        }

        /**
         * @param autoDelete whether the broker deletes it when its last consumer goes
         * @return this builder
         */
        public Builder autoDelete(boolean autoDelete) {
            this.autoDelete = autoDelete;
            return this;
        }

        /**
         * @param type classic, quorum or stream ({@code x-queue-type})
         * @return this builder
         */
        public Builder type(QueueType type) {
            return argument("x-queue-type", type.amqpName());
        }

        /**
         * @param exchange where rejected or expired messages go ({@code x-dead-letter-exchange})
         * @return this builder
         */
        public Builder deadLetterExchange(String exchange) {
            return argument("x-dead-letter-exchange", exchange);
        }

        /**
         * @param routingKey the routing key dead-lettered messages get ({@code x-dead-letter-routing-key})
         * @return this builder
         */
        public Builder deadLetterRoutingKey(String routingKey) {
            return argument("x-dead-letter-routing-key", routingKey);
        }

        /**
         * @param ttl how long a message may wait in the queue ({@code x-message-ttl})
         * @return this builder
         */
        public Builder messageTtl(Duration ttl) {
            return argument("x-message-ttl", ttl.toMillis());
        }

        /**
         * @param messages how many messages the queue holds at most ({@code x-max-length})
         * @return this builder
         */
        public Builder maxLength(long messages) {
            return argument("x-max-length", messages);
        }

        /**
         * @param bytes how many bytes of message bodies the queue holds at most ({@code x-max-length-bytes})
         * @return this builder
         */
        public Builder maxLengthBytes(long bytes) {
            return argument("x-max-length-bytes", bytes);
        }

        /**
         * @param overflow what a full queue does ({@code x-overflow}): {@code drop-head} (the
         *                 broker's default), {@code reject-publish} or {@code reject-publish-dlx}
         * @return this builder
         * @throws IllegalArgumentException naming the valid values
         */
        public Builder overflow(String overflow) {
            if (!OVERFLOWS.contains(overflow)) {
                throw new IllegalArgumentException("Unknown overflow '" + overflow + "': valid values are "
                        + String.join(", ", OVERFLOWS));
            }
            return argument("x-overflow", overflow);
        }

        /**
         * @param single whether only one consumer at a time receives the queue's messages, the
         *               others waiting to take over when it goes ({@code x-single-active-consumer})
         * @return this builder
         */
        public Builder singleActiveConsumer(boolean single) {
            return argument("x-single-active-consumer", single);
        }

        /**
         * @param deliveries for quorum queues, after how many deliveries the broker dead-letters ({@code x-delivery-limit})
         * @return this builder
         */
        public Builder deliveryLimit(int deliveries) {
            return argument("x-delivery-limit", deliveries);
        }

        /**
         * Adds a declaration argument as the broker names it, e.g. {@code x-max-priority}.
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
         * Binds the queue to the exchange with each routing key (or with "" when none is given).
         *
         * @param exchange the exchange to bind to
         * @param routingKeys the binding keys; none binds with {@code ""}
         * @return this builder
         */
        public Builder bind(Exchange exchange, String... routingKeys) {
            if (routingKeys.length == 0) {
                bindings.add(Binding.of(exchange, ""));
            }
            for (String key : routingKeys) {
                bindings.add(Binding.of(exchange, key));
            }
            return this;
        }

        /**
         * Adds a binding, such as one made by {@link Binding#headers}.
         *
         * @param binding the binding to add
         * @return this builder
         */
        public Builder bind(Binding binding) {
            bindings.add(Objects.requireNonNull(binding));
            return this;
        }

        /** @return the immutable declaration */
        public Queue build() {
            return new Queue(this);
        }
    }
}
