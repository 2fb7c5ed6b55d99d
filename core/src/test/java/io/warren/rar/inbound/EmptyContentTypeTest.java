package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.warren.DecodeException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A message published with an empty content type ({@code content_type = ""}, which some clients
 * send for "none") is a message without one, read as {@code application/octet-stream}, on both
 * paths that look at it: the admission of a delivery (against {@code accept}) and
 * {@code Message.payload}. Each test publishes the two side by side, with the raw client, and
 * expects the same fate for both.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class EmptyContentTypeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("empty-content-type");
    private final String parking = broker.cleanUpQueue(queue + ".dead-letters");

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private WarrenActivationSpec spec(String accept) {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        if (accept != null) {
            spec.setAccept(accept);
        }
        return spec;
    }

    /** Publishes the same body as message "missing", without a content type, and "empty", with an empty one. */
    private void publishMissingAndEmpty() {
        byte[] body = "payload".getBytes(StandardCharsets.UTF_8);
        broker.publish(queue, new AMQP.BasicProperties.Builder().messageId("missing").build(), body);
        broker.publish(queue, new AMQP.BasicProperties.Builder().messageId("empty").contentType("").build(), body);
    }

    private long parked() {
        try {
            return broker.messageCount(parking);
        } catch (IllegalStateException notDeclaredYet) {
            return 0;
        }
    }

    /** @param accept none (every registered serializer's type), or an explicit list that holds octet-stream */
    @ParameterizedTest
    @ValueSource(strings = {"(unset)", "raw", "json,application/octet-stream"})
    void anEmptyContentTypeIsDeliveredWhereAMissingOneIs(String accept) throws Exception {
        Map<String, String> received = new ConcurrentHashMap<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> received.put(message.messageId(),
                new String(message.payload(byte[].class), StandardCharsets.UTF_8)));
        try (Harness.Deployment deployment = harness.deploy(spec(accept.equals("(unset)") ? null : accept), mdb)) {
            publishMissingAndEmpty();
            Broker.await("both delivered", WAIT, () -> received.size() == 2 || parked() > 0,
                    () -> "delivered " + received + ", dead-lettered " + parked());
            Broker.await("both acked", WAIT, () -> Broker.unacknowledged(queue) == 0);
        }
        assertEquals(Map.of("missing", "payload", "empty", "payload"), received,
                "dead-lettered instead: " + deadLetterReasons());
        assertEquals(0, parked());
    }

    @Test
    void withAnAcceptListWithoutOctetStreamBothAreDeadLetteredForTheSameReason() throws Exception {
        List<String> received = new ArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> received.add(message.messageId()));
        try (Harness.Deployment deployment = harness.deploy(spec("json"), mdb)) {
            publishMissingAndEmpty();
            Broker.await("both dead-lettered", WAIT, () -> parked() == 2);
        }
        assertEquals(List.of(), received);
        List<String> reasons = deadLetterReasons();
        assertEquals(2, reasons.size(), reasons.toString());
        assertEquals(reasons.get(0), reasons.get(1), "the same reason for a missing and an empty content type");
        assertTrue(reasons.get(0).contains("'application/octet-stream' is not accepted"), reasons.get(0));
    }

    /** Message.payload, the second path: the MDB asks for a String of a json-only consumer. */
    @Test
    void payloadRefusesAnEmptyContentTypeAsItRefusesAMissingOne() throws Exception {
        Map<String, String> failures = new ConcurrentHashMap<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            try {
                message.payload(String.class);
                failures.put(message.messageId(), "decoded");
            } catch (DecodeException e) {
                failures.put(message.messageId(), e.getMessage());
            }
        });
        // json and raw accepted: both are delivered, and payload(String) is refused by the serializer
        try (Harness.Deployment deployment = harness.deploy(spec("json,raw"), mdb)) {
            publishMissingAndEmpty();
            Broker.await("both delivered", WAIT, () -> failures.size() == 2 || parked() > 0,
                    () -> "delivered " + failures + ", dead-lettered " + parked());
        }
        assertEquals(2, failures.size(), "dead-lettered instead: " + deadLetterReasons());
        assertEquals(failures.get("missing"), failures.get("empty"));
        assertTrue(failures.get("empty").contains("'application/octet-stream'"), failures.get("empty"));
    }

    private List<String> deadLetterReasons() {
        List<String> reasons = new ArrayList<>();
        for (GetResponse dead; parked() > 0 && (dead = broker.get(parking)) != null; ) {
            reasons.add(String.valueOf(dead.getProps().getHeaders().get("x-warren-reason")));
        }
        return reasons;
    }
}
