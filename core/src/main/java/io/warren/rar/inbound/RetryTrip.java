package io.warren.rar.inbound;

import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.LongString;

import java.util.List;
import java.util.Map;

/**
 * What Warren wrote on its copy of a failed message before the copy went to a retry queue
 * ({@link Redeliveries}): the failures so far and the exchange and routing key the message was
 * first published with. The broker delivers the copy back through the default exchange, so
 * without these the MDB and the dead letter would see {@code ""} and the queue's name.
 *
 * <p>A publisher controls every header, and an MDB that forwards a message forwards its headers:
 * these are believed only on a message that the broker itself dead-lettered out of a retry queue
 * of the queue it is delivered from (the newest {@code x-death} entry, which the broker writes,
 * names that retry queue with reason {@code expired}). Anything else is a fresh message.
 *
 * @param failures deliveries that failed before the copy was made
 */
record RetryTrip(int failures, String exchange, String routingKey) {

    static final String FAILURES = "x-warren-failures";
    static final String EXCHANGE = "x-warren-original-exchange";
    static final String ROUTING_KEY = "x-warren-original-routing-key";

    /** Warren's headers of the trip: a dead letter says the same in its own headers. */
    static final List<String> HEADERS = List.of(FAILURES, EXCHANGE, ROUTING_KEY);
    /** Headers a copy must not take along: Warren's own, and the quorum queue's count of the original's deliveries. */
    static final List<String> NOT_COPIED = List.of(FAILURES, EXCHANGE, ROUTING_KEY, "x-delivery-count");

    /** @return the trip the message made, or null when it did not come back from a retry queue of {@code queue} */
    static RetryTrip of(String queue, Map<String, Object> headers) {
        if (headers == null || !(headers.get(FAILURES) instanceof Number failures) || failures.intValue() < 1
                || !fromRetryQueueOf(queue, headers.get("x-death"))) {
            return null;
        }
        Object exchange = headers.get(EXCHANGE);
        Object routingKey = headers.get(ROUTING_KEY);
        if (exchange == null || routingKey == null) {
            return null;
        }
        return new RetryTrip(failures.intValue(), exchange.toString(), routingKey.toString());
    }

    private static boolean fromRetryQueueOf(String queue, Object deaths) {
        if (!(deaths instanceof List<?> entries) || entries.isEmpty() || !(entries.get(0) instanceof Map<?, ?> newest)) {
            return false;
        }
        String from = text(newest.get("queue"));
        return "expired".equals(text(newest.get("reason"))) && from != null
                && Redeliveries.isRetryQueueOf(from, queue);
    }

    private static String text(Object value) {
        return value instanceof LongString || value instanceof String ? value.toString() : null;
    }

    /** @return the envelope as the message was first published: its exchange and routing key, this delivery's tag */
    static Envelope original(String queue, Envelope received, Map<String, Object> headers) {
        RetryTrip trip = of(queue, headers);
        return trip == null ? received
                : new Envelope(received.getDeliveryTag(), received.isRedeliver(), trip.exchange(), trip.routingKey());
    }
}
