package io.warren.rar.inbound;

import io.warren.Binding;
import io.warren.ExchangeType;
import io.warren.QueueType;
import io.warren.rar.config.BeanPairs;
import io.warren.rar.config.DerivedDefault;
import io.warren.rar.config.PropertyDeclaration;
import io.warren.rar.config.ValueType;

import static io.warren.rar.config.ValueType.bool;
import static io.warren.rar.config.ValueType.decimal;
import static io.warren.rar.config.ValueType.list;
import static io.warren.rar.config.ValueType.oneOf;
import static io.warren.rar.config.ValueType.parsedBy;
import static io.warren.rar.config.ValueType.text;
import static io.warren.rar.config.ValueType.wholeNumber;
import static io.warren.rar.config.ValueType.wholeNumberUpTo;

/**
 * Every activation property an MDB can set, declared once with its type, default and meaning: the
 * activation spec's JavaBean pairs (all text, written from these constants at build time) store
 * into it, {@link InboundSettings} reads it through its type, and
 * the README's table lists it. Rules between properties are {@link ActivationRules}.
 * The broker connection properties ({@link io.warren.rar.config.BrokerProperty}) can be set per
 * MDB as well, overriding the resource adapter's.
 */
@BeanPairs(name = "ActivationPropertyBeans", superclass = "io.warren.rar.config.BrokerProperties")
public enum ActivationProperty implements PropertyDeclaration {
    QUEUE(text(), null, "the queue to consume; `queue` or `queues` is required"),
    QUEUES(list(), null, "comma-separated queues consumed by one MDB, each consumer taking from all"),
    EXCHANGE(text(), null, "exchange to bind the queues to; none binds nothing"),
    EXCHANGE_TYPE(parsedBy(ExchangeType::of), "direct", "direct, fanout, topic or headers"),
    ROUTING_KEYS(list(), "", "comma-separated binding keys; each queue is bound with each; empty binds each queue with its own name"),
    BINDING_HEADERS(parsedBy(ArgumentText::headerPairs), null, "for a headers exchange: comma-separated name=value pairs to match"),
    EXCHANGE_BINDINGS(list(), "", "comma-separated source exchanges `exchange` is bound to, as kombu's `Exchange.bind_to`: each "
            + "`source` or `source=routingKey`; the sources must exist; bound at each connect when declare=true"),
    HEADERS_MATCH(oneOf(Binding.HeaderMatch.class), "all", "for a headers exchange: all or any of the headers must match"),
    DECLARE(bool(), "true", "declare the exchange, queues and bindings (idempotent); false only checks the queues exist"),
    DURABLE(bool(), "true", "declare durable queues and exchange"),
    QUEUE_TYPE(parsedBy(QueueType::of), "classic", "classic, quorum or stream (see docs/queues.md for what a stream changes)"),
    MESSAGE_TTL_MILLIS(wholeNumber(0, Integer.MAX_VALUE), null, "declared queues: how long a message may wait in the queue (x-message-ttl)"),
    MAX_LENGTH(wholeNumber(0, Integer.MAX_VALUE), null, "declared queues: how many messages the queue holds at most (x-max-length)"),
    OVERFLOW(parsedBy(ArgumentText::overflow), null, "declared queues: what a full queue does, drop-head, reject-publish or reject-publish-dlx (x-overflow)"),
    SINGLE_ACTIVE_CONSUMER(bool(), "false", "declared queues: only one consumer of all servers receives "
            + "messages, another takes over when it goes (x-single-active-consumer)"),
    QUEUE_ARGUMENTS(parsedBy(ArgumentText::pairs), null, "declared queues: more arguments as name=value pairs, e.g. "
            + "`x-max-priority=10,x-message-ttl=60000`; whole numbers and true/false are sent typed, the rest as text"),
    CONSUMER_PRIORITY(wholeNumber(Integer.MIN_VALUE, Integer.MAX_VALUE), null, "the consumers' priority (x-priority): the broker delivers to the highest "
            + "priority consumers that have room, lower ones only when those are busy"),
    EXCLUSIVE(bool(), "false", "consume exclusively: the broker refuses every other consumer of the queue; "
            + "needs concurrency=1"),
    STREAM_OFFSET(parsedBy(ArgumentText::streamOffset), "next", "queueType=stream: where to start reading, first, last, next, an offset "
            + "number, or a time (ISO-8601, e.g. 2026-11-30T12:00:00Z); after a reconnect reading resumes after "
            + "the last message settled"),
    DEAD_LETTER_EXCHANGE(text(), null, "where poison messages go (also declared as the queues' x-dead-letter-exchange); "
            + "without it they are parked in the queue `<queue>.dead-letters`"),
    DEAD_LETTER_ROUTING_KEY(text(), null, "routing key for dead letters; the message's own key when unset"),
    PREFETCH(wholeNumber(1, 65_535), "50", "unacknowledged messages the broker sends each consumer, per queue (basic.qos)"),
    ACK_EVERY(wholeNumberUpTo(1, PREFETCH), halfThePrefetch(), null, "acks of successful deliveries sent as one `basic.ack` (multiple) once this many are held, "
            + "from 1 (each acked at once) to `prefetch`; unset: half of `prefetch`, at most "
            + InboundSettings.DEFAULT_MAX_ACK_EVERY + " (docs/performance.md); held acks go at the latest after 2 ms "
            + "in any case"),
    BATCH_SIZE(wholeNumberUpTo(1, PREFETCH), "1", "messages an MDB implementing `BatchListener` takes in one "
            + "`onMessages` call and one transaction, from 1 to `prefetch`; a failed batch's messages are delivered "
            + "again one at a time (docs/batch.md); more than 1 needs a `BatchListener`, ackMode=container and no stream"),
    BATCH_TIMEOUT_MILLIS(wholeNumber(0, 60_000), "20", "how long a partial batch waits for more messages before it is "
            + "delivered as it is; 0 delivers at once what has arrived"),
    CONCURRENCY(wholeNumber(1, 1_000), "4", "consumers, each on its own channel and endpoint; 1 keeps the queue's order"),
    ACK_MODE(oneOf(InboundSettings.AckMode.class), "container", "container: ack when the delivery succeeds (its transaction commits); "
            + "manual: the MDB calls ack(), reject() or requeue()"),
    MAX_DELIVERIES(wholeNumber(1, Integer.MAX_VALUE), "5", "deliveries of one message that fail before it is dead-lettered"),
    REDELIVERY_DELAY_MILLIS(wholeNumber(0, Integer.MAX_VALUE), "0", "how long a failed message waits before its next delivery, "
            + "in a retry queue on the broker (docs/redelivery.md); 0 requeues it at once"),
    REDELIVERY_MULTIPLIER(decimal(1, 100, "1 keeps the delay fixed"), "2", "each further failure multiplies the delay by this (1 keeps it fixed)"),
    MAX_REDELIVERY_DELAY_MILLIS(wholeNumber(1, Integer.MAX_VALUE), "60000", "the longest delay between two deliveries"),
    ACCEPT(list(), "", "comma-separated content types or serializer names delivered; empty accepts every registered "
            + "serializer's but msgpack's, which is taken only when named, as in kombu; others are dead-lettered at once"),
    MAX_DECOMPRESSED_BYTES(wholeNumber(1, Integer.MAX_VALUE), "67108864", "how many bytes a compressed body (kombu's `compression` "
            + "header) may inflate to; a larger one is dead-lettered as undecodable, naming the limit"),
    MAX_HELD_BYTES(wholeNumber(1, Integer.MAX_VALUE), "67108864", "bytes of message bodies the MDB's consumers may hold "
            + "waiting for or in delivery; over it each consumer narrows its prefetch to what fits (1 at least), "
            + "widening it again once they hold half of it; not with singleActiveConsumer (docs/failure-modes.md#memory)"),
    RECONNECT_INTERVAL_MILLIS(wholeNumber(1, Integer.MAX_VALUE), "1000", "after a lost connection or consumer the first attempt is at once; "
            + "then this wait before the next, doubling with each failure"),
    MAX_RECONNECT_INTERVAL_MILLIS(wholeNumber(1, Integer.MAX_VALUE), "30000", "the longest wait between reconnection attempts"),
    RECONNECT_ATTEMPTS(wholeNumber(-1, Integer.MAX_VALUE), "-1", "reconnection attempts before giving up; -1 retries forever"),
    SHUTDOWN_TIMEOUT_MILLIS(wholeNumber(0, Integer.MAX_VALUE), "30000", "at undeploy, how long in-flight deliveries may take to finish; "
            + "undeploy returns within it plus 4 s, even from a broker that stopped answering");

    private final ValueType type;
    private final DerivedDefault derivedDefault;
    private final String defaultValue;
    private final String description;

    ActivationProperty(ValueType type, String defaultValue, String description) {
        this.type = type;
        this.derivedDefault = null;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    ActivationProperty(ValueType type, DerivedDefault derivedDefault, String defaultValue, String description) {
        this.type = type;
        this.derivedDefault = derivedDefault;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /**
     * Half the prefetch and at most {@value InboundSettings#DEFAULT_MAX_ACK_EVERY}: more acks per
     * {@code basic.ack} bought nothing measurable, and held acks are messages the broker would
     * redeliver after a crash.
     */
    private static DerivedDefault halfThePrefetch() {
        return new DerivedDefault("half the prefetch, at most " + InboundSettings.DEFAULT_MAX_ACK_EVERY,
                earlier -> Math.max(1, Math.min((Integer) earlier.value(PREFETCH) / 2, InboundSettings.DEFAULT_MAX_ACK_EVERY)));
    }

    @Override
    public ValueType type() {
        return type;
    }

    @Override
    public DerivedDefault derivedDefault() {
        return derivedDefault;
    }

    @Override
    public String defaultValue() {
        return defaultValue;
    }

    @Override
    public String description() {
        return description;
    }
}
