package io.warren.rar.inbound;

/**
 * Every activation property an MDB can set, with its default and meaning, defined once: the
 * activation spec's setters store into it, validation reads it, and the README's table lists it.
 * The broker connection properties ({@link io.warren.rar.config.BrokerProperty}) can be set per
 * MDB as well, overriding the resource adapter's.
 */
public enum ActivationProperty {
    QUEUE("queue", null, "the queue to consume; `queue` or `queues` is required"),
    QUEUES("queues", null, "comma-separated queues consumed by one MDB, each consumer taking from all"),
    EXCHANGE("exchange", null, "exchange to bind the queues to; none binds nothing"),
    EXCHANGE_TYPE("exchangeType", "direct", "direct, fanout, topic or headers"),
    ROUTING_KEYS("routingKeys", "", "comma-separated binding keys; each queue is bound with each; empty binds each queue with its own name"),
    BINDING_HEADERS("bindingHeaders", null, "for a headers exchange: comma-separated name=value pairs to match"),
    HEADERS_MATCH("headersMatch", "all", "for a headers exchange: all or any of the headers must match"),
    DECLARE("declare", "true", "declare the exchange, queues and bindings (idempotent); false only checks the queues exist"),
    DURABLE("durable", "true", "declare durable queues and exchange"),
    QUEUE_TYPE("queueType", "classic", "classic, quorum or stream (see docs/queues.md for what a stream changes)"),
    MESSAGE_TTL_MILLIS("messageTtlMillis", null, "declared queues: how long a message may wait in the queue (x-message-ttl)"),
    MAX_LENGTH("maxLength", null, "declared queues: how many messages the queue holds at most (x-max-length)"),
    OVERFLOW("overflow", null, "declared queues: what a full queue does, drop-head, reject-publish or reject-publish-dlx (x-overflow)"),
    SINGLE_ACTIVE_CONSUMER("singleActiveConsumer", "false", "declared queues: only one consumer of all servers receives "
            + "messages, another takes over when it goes (x-single-active-consumer)"),
    QUEUE_ARGUMENTS("queueArguments", null, "declared queues: more arguments as name=value pairs, e.g. "
            + "`x-max-priority=10,x-message-ttl=60000`; whole numbers and true/false are sent typed, the rest as text"),
    CONSUMER_PRIORITY("consumerPriority", null, "the consumers' priority (x-priority): the broker delivers to the highest "
            + "priority consumers that have room, lower ones only when those are busy"),
    EXCLUSIVE("exclusive", "false", "consume exclusively: the broker refuses every other consumer of the queue; "
            + "needs concurrency=1"),
    STREAM_OFFSET("streamOffset", "next", "queueType=stream: where to start reading, first, last, next, an offset "
            + "number, or a time (ISO-8601, e.g. 2026-11-30T12:00:00Z); after a reconnect reading resumes after "
            + "the last message settled"),
    DEAD_LETTER_EXCHANGE("deadLetterExchange", null, "where poison messages go (also declared as the queues' x-dead-letter-exchange); "
            + "without it they are parked in the queue `<queue>.dead-letters`"),
    DEAD_LETTER_ROUTING_KEY("deadLetterRoutingKey", null, "routing key for dead letters; the message's own key when unset"),
    PREFETCH("prefetch", "50", "unacknowledged messages the broker sends each consumer, per queue (basic.qos)"),
    ACK_EVERY("ackEvery", null, "acks of successful deliveries sent as one `basic.ack` (multiple) once this many are held, "
            + "from 1 (each acked at once) to `prefetch`; unset: half of `prefetch`, at most "
            + InboundSettings.DEFAULT_MAX_ACK_EVERY + " (docs/performance.md); held acks go at the latest after 2 ms "
            + "in any case"),
    CONCURRENCY("concurrency", "4", "consumers, each on its own channel and endpoint; 1 keeps the queue's order"),
    ACK_MODE("ackMode", "container", "container: ack when the delivery succeeds (its transaction commits); "
            + "manual: the MDB calls ack(), reject() or requeue()"),
    MAX_DELIVERIES("maxDeliveries", "5", "deliveries of one message that fail before it is dead-lettered"),
    REDELIVERY_DELAY_MILLIS("redeliveryDelayMillis", "0", "how long a failed message waits before its next delivery, "
            + "in a retry queue on the broker (docs/redelivery.md); 0 requeues it at once"),
    REDELIVERY_MULTIPLIER("redeliveryMultiplier", "2", "each further failure multiplies the delay by this (1 keeps it fixed)"),
    MAX_REDELIVERY_DELAY_MILLIS("maxRedeliveryDelayMillis", "60000", "the longest delay between two deliveries"),
    ACCEPT("accept", "", "comma-separated content types or serializer names delivered; empty accepts every registered "
            + "serializer's; others are dead-lettered at once"),
    MAX_DECOMPRESSED_BYTES("maxDecompressedBytes", "67108864", "how many bytes a compressed body (kombu's `compression` "
            + "header) may inflate to; a larger one is dead-lettered as undecodable, naming the limit"),
    RECONNECT_INTERVAL_MILLIS("reconnectIntervalMillis", "1000", "after a lost connection or consumer the first attempt is at once; "
            + "then this wait before the next, doubling with each failure"),
    MAX_RECONNECT_INTERVAL_MILLIS("maxReconnectIntervalMillis", "30000", "the longest wait between reconnection attempts"),
    RECONNECT_ATTEMPTS("reconnectAttempts", "-1", "reconnection attempts before giving up; -1 retries forever"),
    SHUTDOWN_TIMEOUT_MILLIS("shutdownTimeoutMillis", "30000", "at undeploy, how long in-flight deliveries may take to finish");

    private final String propertyName;
    private final String defaultValue;
    private final String description;

    ActivationProperty(String propertyName, String defaultValue, String description) {
        this.propertyName = propertyName;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** @return the name used in {@code @ActivationConfigProperty} */
    public String propertyName() {
        return propertyName;
    }

    /** @return the default, or null where there is none */
    public String defaultValue() {
        return defaultValue;
    }

    /** @return one line for the README's property table */
    public String description() {
        return description;
    }
}
