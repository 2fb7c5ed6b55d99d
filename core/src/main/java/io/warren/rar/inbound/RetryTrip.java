package io.warren.rar.inbound;

import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.LongString;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Warren wrote on its copy of a failed message before the copy went to a retry queue
 * ({@link Redeliveries}): the failures so far and the exchange and routing key the message was
 * first published with. The broker delivers the copy back through the default exchange, so
 * without these the MDB and the dead letter would see {@code ""} and the queue's name.
 *
 * <p>A publisher controls every header, and an MDB that forwards a message forwards its headers:
 * these are believed only on a message that came back out of a retry queue of the queue it is
 * delivered from (the newest {@code x-death} entry names that retry queue with reason
 * {@code expired}) and that carries Warren's signature over this queue, these values and this
 * body ({@link TripSignature}). The {@code x-death} check alone is no proof: RabbitMQ passes a
 * publisher's own {@code x-death} through. Anything else is a fresh message.
 *
 * @param failures deliveries that failed before the copy was made
 */
record RetryTrip(int failures, String exchange, String routingKey) {

    static final String FAILURES = "x-warren-failures";
    static final String EXCHANGE = "x-warren-original-exchange";
    static final String ROUTING_KEY = "x-warren-original-routing-key";
    static final String SIGNATURE = "x-warren-trip-signature";

    /** Warren's headers of the trip: a dead letter says the same in its own, and a stale signature proves nothing. */
    static final List<String> HEADERS = List.of(FAILURES, EXCHANGE, ROUTING_KEY, SIGNATURE);
    /** Headers a copy must not take along: Warren's own, and the quorum queue's count of the original's deliveries. */
    static final List<String> NOT_COPIED = List.of(FAILURES, EXCHANGE, ROUTING_KEY, SIGNATURE, "x-delivery-count");

    /** @return the headers that record this trip on the copy of {@code body} going to a retry queue of {@code queue} */
    Map<String, Object> headers(TripSignature signature, String queue, byte[] body) {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put(FAILURES, failures);
        headers.put(EXCHANGE, exchange);
        headers.put(ROUTING_KEY, routingKey);
        headers.put(SIGNATURE, signature.sign(queue, failures, exchange, routingKey, body));
        return headers;
    }

    /** @return the trip the message made, or null when it did not come back, signed, from a retry queue of {@code queue} */
    static RetryTrip of(TripSignature signature, String queue, Map<String, Object> headers, byte[] body) {
        // the cheap checks first: the signature digests the body, and most messages made no trip
        if (headers == null || !(headers.get(FAILURES) instanceof Integer failures) || failures < 1
                || !fromRetryQueueOf(queue, headers.get("x-death"))) {
            return null;
        }
        String exchange = text(headers.get(EXCHANGE));
        String routingKey = text(headers.get(ROUTING_KEY));
        if (exchange == null || routingKey == null
                || !signature.verifies(headers.get(SIGNATURE), queue, failures, exchange, routingKey, body)) {
            return null;
        }
        return new RetryTrip(failures, exchange, routingKey);
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
    static Envelope original(TripSignature signature, String queue, Envelope received, Map<String, Object> headers,
                             byte[] body) {
        RetryTrip trip = of(signature, queue, headers, body);
        return trip == null ? received
                : new Envelope(received.getDeliveryTag(), received.isRedeliver(), trip.exchange(), trip.routingKey());
    }
}
