package io.warren;

import java.util.Locale;

/** How RabbitMQ stores a queue: the {@code x-queue-type} argument. */
public enum QueueType {
    /** The classic single-node queue, the broker's default. */
    CLASSIC,
    /** A replicated Raft-based queue; must be durable, and counts deliveries itself. */
    QUORUM,
    /**
     * An append-only log: consuming does not remove messages, each consumer reads from an offset
     * of its own, and a message cannot be rejected or requeued. Must be durable.
     */
    STREAM;

    /** @return the name as the broker spells it, e.g. {@code "quorum"} */
    public String amqpName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a queue type as the broker spells it, ignoring case.
     *
     * @param name {@code classic} or {@code quorum}, in any case
     * @return the queue type
     * @throws IllegalArgumentException naming the valid types
     */
    public static QueueType of(String name) {
        for (QueueType type : values()) {
            if (type.amqpName().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException("Unknown queue type '" + name + "': valid types are classic, quorum and stream");
    }
}
