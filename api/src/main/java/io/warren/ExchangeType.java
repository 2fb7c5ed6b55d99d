package io.warren;

import java.util.Locale;

/** The four AMQP 0-9-1 exchange types RabbitMQ routes with. */
public enum ExchangeType {
    /** Routes to queues whose binding key equals the routing key. */
    DIRECT,
    /** Routes to every bound queue, ignoring the routing key. */
    FANOUT,
    /** Routes by pattern: {@code *} matches one dot-separated word, {@code #} zero or more. */
    TOPIC,
    /** Routes by matching message headers against binding arguments. */
    HEADERS;

    /** @return the type's name as the broker spells it, e.g. {@code "topic"} */
    public String amqpName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a type name as the broker spells it, ignoring case.
     *
     * @param name {@code direct}, {@code fanout}, {@code topic} or {@code headers}
     * @return the type
     * @throws IllegalArgumentException naming the valid types
     */
    public static ExchangeType of(String name) {
        for (ExchangeType type : values()) {
            if (type.amqpName().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown exchange type '" + name
                + "': valid types are direct, fanout, topic and headers");
    }
}
