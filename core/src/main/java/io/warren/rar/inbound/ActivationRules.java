package io.warren.rar.inbound;

import io.warren.ExchangeType;
import io.warren.QueueType;
import io.warren.rar.config.CrossCheck;
import io.warren.rar.config.PropertyValues;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

import static io.warren.rar.inbound.ActivationProperty.ACK_MODE;
import static io.warren.rar.inbound.ActivationProperty.BATCH_SIZE;
import static io.warren.rar.inbound.ActivationProperty.BINDING_HEADERS;
import static io.warren.rar.inbound.ActivationProperty.CONCURRENCY;
import static io.warren.rar.inbound.ActivationProperty.DURABLE;
import static io.warren.rar.inbound.ActivationProperty.EXCHANGE;
import static io.warren.rar.inbound.ActivationProperty.EXCHANGE_BINDINGS;
import static io.warren.rar.inbound.ActivationProperty.EXCHANGE_TYPE;
import static io.warren.rar.inbound.ActivationProperty.EXCLUSIVE;
import static io.warren.rar.inbound.ActivationProperty.MAX_DELIVERIES;
import static io.warren.rar.inbound.ActivationProperty.MAX_RECONNECT_INTERVAL_MILLIS;
import static io.warren.rar.inbound.ActivationProperty.MAX_REDELIVERY_DELAY_MILLIS;
import static io.warren.rar.inbound.ActivationProperty.QUEUE;
import static io.warren.rar.inbound.ActivationProperty.QUEUES;
import static io.warren.rar.inbound.ActivationProperty.QUEUE_ARGUMENTS;
import static io.warren.rar.inbound.ActivationProperty.QUEUE_TYPE;
import static io.warren.rar.inbound.ActivationProperty.RECONNECT_INTERVAL_MILLIS;
import static io.warren.rar.inbound.ActivationProperty.REDELIVERY_DELAY_MILLIS;
import static io.warren.rar.inbound.ActivationProperty.ROUTING_KEYS;
import static io.warren.rar.inbound.ActivationProperty.STREAM_OFFSET;

/**
 * The rules between activation properties, each checked once every property has been read on its
 * own: the one place where one property's validity depends on another's. (A default or a bound
 * that depends on an earlier property, such as ackEvery's on prefetch, is in its declaration.)
 */
final class ActivationRules {

    /** The quorum queue's limit on deliveries; RabbitMQ 4 sets 20 on every quorum queue that names none. */
    static final String DELIVERY_LIMIT = "x-delivery-limit";

    private ActivationRules() {
    }

    static final List<CrossCheck<ActivationProperty>> ALL = List.of(
            rule(QUEUE, values -> !values.isSet(QUEUE) && values.list(QUEUES).isEmpty(),
                    values -> "name the queue to consume with 'queue', or several with 'queues'"),
            rule(MAX_RECONNECT_INTERVAL_MILLIS, values -> atLeast(values, MAX_RECONNECT_INTERVAL_MILLIS,
                    RECONNECT_INTERVAL_MILLIS) != null,
                    values -> atLeast(values, MAX_RECONNECT_INTERVAL_MILLIS, RECONNECT_INTERVAL_MILLIS)),
            // without a first delay there are no delays, so no maximum to keep
            rule(MAX_REDELIVERY_DELAY_MILLIS, values -> values.integer(REDELIVERY_DELAY_MILLIS) > 0
                    && atLeast(values, MAX_REDELIVERY_DELAY_MILLIS, REDELIVERY_DELAY_MILLIS) != null,
                    values -> atLeast(values, MAX_REDELIVERY_DELAY_MILLIS, REDELIVERY_DELAY_MILLIS)),
            rule(DURABLE, values -> queueType(values) != QueueType.CLASSIC && !values.bool(DURABLE),
                    values -> queueType(values).amqpName() + " queues are always durable; set durable=true or "
                            + "queueType=classic"),
            rule(EXCHANGE, values -> !values.isSet(EXCHANGE)
                            && (!values.list(ROUTING_KEYS).isEmpty() || values.isSet(BINDING_HEADERS)),
                    values -> "routingKeys and bindingHeaders need an exchange to bind to"),
            rule(BINDING_HEADERS, values -> values.isSet(EXCHANGE) && values.isSet(BINDING_HEADERS)
                            && exchangeType(values) != ExchangeType.HEADERS,
                    values -> "only a headers exchange matches headers; exchangeType is "
                            + exchangeType(values).amqpName()),
            rule(BINDING_HEADERS, values -> values.isSet(EXCHANGE) && !values.isSet(BINDING_HEADERS)
                            && exchangeType(values) == ExchangeType.HEADERS,
                    values -> "a headers exchange needs name=value pairs to match"),
            rule(EXCHANGE_BINDINGS, values -> !values.isSet(EXCHANGE) && !values.list(EXCHANGE_BINDINGS).isEmpty(),
                    values -> "bind the activation's exchange to others: set exchange too"),
            rule(EXCHANGE_BINDINGS, values -> values.list(EXCHANGE_BINDINGS).stream().anyMatch(entry ->
                            sourceOf(entry).isEmpty() || sourceOf(entry).equals(values.text(EXCHANGE))),
                    values -> "each entry is source or source=routingKey, naming an exchange other than '"
                            + values.text(EXCHANGE) + "' itself; got " + values.list(EXCHANGE_BINDINGS)),
            rule(EXCLUSIVE, values -> values.bool(EXCLUSIVE) && values.integer(CONCURRENCY) > 1,
                    values -> "an exclusive consumer refuses every other, so it needs concurrency=1 (it is "
                            + values.integer(CONCURRENCY) + ")"),
            // the broker ends a quorum message at its delivery limit: dropped, or dead-lettered without Warren's reason
            rule(QUEUE_ARGUMENTS, values -> queueType(values) == QueueType.QUORUM
                            && values.pairs(QUEUE_ARGUMENTS).get(DELIVERY_LIMIT) instanceof Number limit
                            && limit.longValue() < values.integer(MAX_DELIVERIES),
                    values -> DELIVERY_LIMIT + "=" + values.pairs(QUEUE_ARGUMENTS).get(DELIVERY_LIMIT)
                            + " ends a message on the broker before its maxDeliveries=" + values.integer(MAX_DELIVERIES)
                            + " deliveries; set it to at least maxDeliveries, or lower maxDeliveries"),
            rule(STREAM_OFFSET, values -> queueType(values) != QueueType.STREAM && values.isSet(STREAM_OFFSET),
                    values -> "only a stream is read from an offset; set queueType=stream or leave streamOffset unset"),
            rule(CONCURRENCY, values -> queueType(values) == QueueType.STREAM && values.integer(CONCURRENCY) > 1,
                    values -> "every consumer of a stream reads every message, so a stream needs concurrency=1 (it is "
                            + values.integer(CONCURRENCY) + ")"),
            // a batch is settled by Warren as a whole: an MDB settling each message itself has no batch to commit
            rule(BATCH_SIZE, values -> values.integer(BATCH_SIZE) > 1
                            && values.get(ACK_MODE, InboundSettings.AckMode.class) == InboundSettings.AckMode.MANUAL,
                    values -> "a batch is acked or given back as a whole, so batchSize above 1 needs ackMode=container "
                            + "(it is " + values.integer(BATCH_SIZE) + " with ackMode=manual)"),
            // a stream takes nothing back: a refused batch would rewind the stream once per message
            rule(BATCH_SIZE, values -> values.integer(BATCH_SIZE) > 1 && queueType(values) == QueueType.STREAM,
                    values -> "a stream is delivered one message at a time; leave batchSize at 1 for queueType=stream "
                            + "(it is " + values.integer(BATCH_SIZE) + ")"),
            rule(REDELIVERY_DELAY_MILLIS, values -> queueType(values) == QueueType.STREAM
                            && values.integer(REDELIVERY_DELAY_MILLIS) > 0,
                    values -> "a stream cannot take a message back, so a failed delivery of a stream is dead-lettered "
                            + "at once; leave redeliveryDelayMillis at 0 for queueType=stream"));

    private static CrossCheck<ActivationProperty> rule(ActivationProperty property,
            Predicate<PropertyValues<ActivationProperty>> broken, Function<PropertyValues<ActivationProperty>, String> why) {
        return new CrossCheck<>(property, broken, why);
    }

    /** @return why the maximum is less than the first, or null when it is not */
    private static String atLeast(PropertyValues<ActivationProperty> values, ActivationProperty maximum,
            ActivationProperty first) {
        int max = values.integer(maximum);
        int least = values.integer(first);
        return max >= least ? null : max + " is less than " + first.propertyName() + " (" + least
                + "); it must be at least that";
    }

    /** @return the source exchange of an exchangeBindings entry: the text before its first '=' */
    static String sourceOf(String entry) {
        int equals = entry.indexOf('=');
        return (equals < 0 ? entry : entry.substring(0, equals)).trim();
    }

    /** @return the routing key of an exchangeBindings entry: the text after its first '=', or empty */
    static String routingKeyOf(String entry) {
        int equals = entry.indexOf('=');
        return equals < 0 ? "" : entry.substring(equals + 1).trim();
    }

    static QueueType queueType(PropertyValues<ActivationProperty> values) {
        return values.get(QUEUE_TYPE, QueueType.class);
    }

    static ExchangeType exchangeType(PropertyValues<ActivationProperty> values) {
        return values.get(EXCHANGE_TYPE, ExchangeType.class);
    }
}
