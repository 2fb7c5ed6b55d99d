package io.warren.rar.inbound;

import com.rabbitmq.client.impl.LongStringHelper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A retry trip is believed only with Warren's signature over the queue, the count, the origin and
 * the body, under a key only the broker account's holder can derive; no broker needed.
 */
class RetryTripTest {

    private static final String QUEUE = "orders";
    private static final byte[] BODY = "poison".getBytes(StandardCharsets.UTF_8);
    private static final TripSignature ACCOUNT = TripSignature.forAccount("warren", "s3cret", "/");

    /** The headers as the broker delivers them back out of the retry queue: strings as LongStrings, x-death added. */
    private static Map<String, Object> delivered(Map<String, Object> written, String fromQueue) {
        Map<String, Object> headers = new HashMap<>();
        written.forEach((name, value) -> headers.put(name,
                value instanceof String text ? LongStringHelper.asLongString(text) : value));
        headers.put("x-death", List.of(Map.of("queue", LongStringHelper.asLongString(fromQueue),
                "reason", LongStringHelper.asLongString("expired"), "count", 1L,
                "exchange", LongStringHelper.asLongString(""),
                "routing-keys", List.of(LongStringHelper.asLongString(QUEUE)))));
        return headers;
    }

    private static Map<String, Object> signedTrip() {
        return delivered(new RetryTrip(2, "shop", "order.created").headers(ACCOUNT, QUEUE, BODY),
                Redeliveries.retryQueue(QUEUE, 100));
    }

    @Test
    void aSignedTripBackFromItsRetryQueueIsBelieved() {
        assertEquals(new RetryTrip(2, "shop", "order.created"), RetryTrip.of(ACCOUNT, QUEUE, signedTrip(), BODY));
    }

    @Test
    void aForgedTripWithoutASignatureIsAFreshMessage() {
        Map<String, Object> forged = signedTrip();
        forged.remove(RetryTrip.SIGNATURE);
        assertNull(RetryTrip.of(ACCOUNT, QUEUE, forged, BODY));
        forged.put(RetryTrip.SIGNATURE, "bm90IGEgc2lnbmF0dXJl");
        assertNull(RetryTrip.of(ACCOUNT, QUEUE, forged, BODY));
        forged.put(RetryTrip.SIGNATURE, "%% not base64 %%");
        assertNull(RetryTrip.of(ACCOUNT, QUEUE, forged, BODY));
        forged.put(RetryTrip.SIGNATURE, 42);
        assertNull(RetryTrip.of(ACCOUNT, QUEUE, forged, BODY));
    }

    @Test
    void changingAnythingSignedBreaksTheSignature() {
        String signature = ACCOUNT.sign(QUEUE, 2, "shop", "order.created", BODY);
        assertTrue(ACCOUNT.verifies(signature, QUEUE, 2, "shop", "order.created", BODY));
        assertTrue(ACCOUNT.verifies(LongStringHelper.asLongString(signature), QUEUE, 2, "shop", "order.created", BODY));

        assertFalse(ACCOUNT.verifies(signature, QUEUE, 5, "shop", "order.created", BODY), "failures");
        assertFalse(ACCOUNT.verifies(signature, QUEUE, 2, "elsewhere", "order.created", BODY), "exchange");
        assertFalse(ACCOUNT.verifies(signature, QUEUE, 2, "shop", "order.cancelled", BODY), "routing key");
        assertFalse(ACCOUNT.verifies(signature, QUEUE, 2, "shop", "order.created",
                "another".getBytes(StandardCharsets.UTF_8)), "body");
        assertFalse(ACCOUNT.verifies(signature, "payments", 2, "shop", "order.created", BODY), "queue");
        // the fields are length-prefixed: moving a boundary is a change too
        assertFalse(ACCOUNT.verifies(signature, QUEUE, 2, "shop.", "order", BODY), "boundary moved");
        assertFalse(ACCOUNT.verifies(ACCOUNT.sign(QUEUE, 2, "", "", BODY), QUEUE, 2, null, "", BODY),
                "null apart from empty");
    }

    @Test
    void tamperedHeadersOnTheWayBackAreAFreshMessage() {
        for (Map.Entry<String, Object> change : Map.<String, Object>of(
                RetryTrip.FAILURES, 5,
                RetryTrip.EXCHANGE, LongStringHelper.asLongString("elsewhere"),
                RetryTrip.ROUTING_KEY, LongStringHelper.asLongString("elsewhere")).entrySet()) {
            Map<String, Object> tampered = signedTrip();
            tampered.put(change.getKey(), change.getValue());
            assertNull(RetryTrip.of(ACCOUNT, QUEUE, tampered, BODY), change.getKey());
        }
        assertNull(RetryTrip.of(ACCOUNT, QUEUE, signedTrip(), "another".getBytes(StandardCharsets.UTF_8)), "body");
    }

    @Test
    void aSignatureMovedToAnotherQueueIsAFreshMessage() {
        Map<String, Object> moved = delivered(new RetryTrip(2, "shop", "order.created").headers(ACCOUNT, QUEUE, BODY),
                Redeliveries.retryQueue("payments", 100));
        assertNull(RetryTrip.of(ACCOUNT, "payments", moved, BODY));
    }

    @Test
    void aSignatureMadeWithAnotherAccountIsAFreshMessage() {
        assertNull(RetryTrip.of(TripSignature.forAccount("warren", "other password", "/"), QUEUE, signedTrip(), BODY),
                "password");
        assertNull(RetryTrip.of(TripSignature.forAccount("other", "s3cret", "/"), QUEUE, signedTrip(), BODY), "user");
        assertNull(RetryTrip.of(TripSignature.forAccount("warren", "s3cret", "other"), QUEUE, signedTrip(), BODY),
                "virtual host");
        // the same account on another server: the same key
        assertEquals(2, RetryTrip.of(TripSignature.forAccount("warren", "s3cret", "/"), QUEUE, signedTrip(), BODY)
                .failures());
    }

    @Test
    void aSignedTripNotBackFromARetryQueueOfItsQueueIsAFreshMessage() {
        Map<String, Object> notExpired = signedTrip();
        notExpired.put("x-death", List.of(Map.of(
                "queue", LongStringHelper.asLongString(Redeliveries.retryQueue(QUEUE, 100)),
                "reason", LongStringHelper.asLongString("rejected"))));
        assertNull(RetryTrip.of(ACCOUNT, QUEUE, notExpired, BODY));
        Map<String, Object> noDeath = signedTrip();
        noDeath.remove("x-death");
        assertNull(RetryTrip.of(ACCOUNT, QUEUE, noDeath, BODY));
    }

    @Test
    void theKeyIsNeverShown() {
        String shown = ACCOUNT.toString();
        assertFalse(shown.contains("s3cret"), shown);
        assertFalse(shown.contains("warren"), shown);
    }
}
