package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.warren.Connection;
import io.warren.Message;
import io.warren.Queue;
import io.warren.rar.config.UnreadableContent;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.HeaderPatchingProxy;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages the Java client would fail the whole connection on (a headers table it cannot read, a
 * body over its limit): each is dead-lettered with the reason on the connection that read it, and
 * the other messages, of its queue and of the MDB's other queue, keep flowing.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class FramePoisonTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String POISON = "x-test-poison";
    private static final int GOOD = 5;

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String poisoned = broker.queueName("frame-poisoned");
    private final String healthy = broker.queueName("frame-healthy");

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private WarrenActivationSpec spec(String queueType) {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueues(poisoned + "," + healthy);
        spec.setQueueType(queueType);
        spec.setConcurrency("1");
        spec.setReconnectIntervalMillis("50");
        return spec;
    }

    private static AMQP.BasicProperties text(Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder().contentType("text/plain").headers(headers).build();
    }

    private void publishGood() {
        for (int i = 0; i < GOOD; i++) {
            broker.publish(poisoned, text(null), ("poisoned-" + i).getBytes(StandardCharsets.UTF_8));
            broker.publish(healthy, text(null), ("healthy-" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private GetResponse parked() {
        return parkedIn(broker.cleanUpQueue(poisoned + ".dead-letters"));
    }

    private GetResponse parkedIn(String parking) {
        Broker.await("the message parked in " + parking, WAIT, () -> {
            try {
                return broker.messageCount(parking) == 1;
            } catch (IllegalStateException notDeclaredYet) {
                return false;
            }
        });
        return broker.get(parking);
    }

    private static TestEndpointFactory recording(Set<String> received) {
        return new TestEndpointFactory(false, message -> received.add(new String(message.body(), StandardCharsets.UTF_8)));
    }

    private void assertBothQueuesDrained(Set<String> received) {
        Broker.await("every good message of both queues", WAIT, () -> received.size() == 2 * GOOD,
                received::toString);
        Broker.await("both queues empty and acked", WAIT, () -> broker.messageCount(poisoned) == 0
                && broker.messageCount(healthy) == 0 && Broker.unacknowledged(poisoned) == 0
                && Broker.unacknowledged(healthy) == 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "quorum"})
    void aMessageWhoseHeadersTheClientCannotReadIsParkedWhileBothQueuesKeepFlowing(String queueType) throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        try (HeaderPatchingProxy proxy = new HeaderPatchingProxy(POISON, 'Q')) {
            WarrenActivationSpec spec = spec(queueType);
            spec.setHost("127.0.0.1");
            spec.setPort(proxy.port());
            try (Harness.Deployment ignored = harness.deploy(spec, recording(received))) {
                broker.publish(poisoned, text(Map.of(POISON, "its type tag becomes 'Q' on its way to Warren",
                        "kept", "no")), "the poison".getBytes(StandardCharsets.UTF_8));
                publishGood();
                GetResponse parked = parked();
                assertBothQueuesDrained(received);
                Map<String, Object> headers = parked.getProps().getHeaders();
                String reason = headers.get("x-warren-reason").toString();
                assertTrue(reason.contains("'Q' (0x51)") && reason.contains("dropped the headers"), reason);
                assertNull(headers.get("kept"), "an unreadable table is dropped whole");
                assertNull(headers.get("x-warren-unreadable"), "the reason is in x-warren-reason alone");
                assertEquals("the poison", Broker.text(parked), "the body is kept");
                assertEquals("text/plain", parked.getProps().getContentType(), "the other properties are kept");
                assertEquals(1, proxy.patched(), "read once: the connection never failed, so nothing came again");
                assertFalse(received.contains("the poison"));
            }
        }
    }

    @Test
    void aBodyOverMaxInboundMessageBodySizeIsParkedWithoutItsBodyWhileBothQueuesKeepFlowing() throws Exception {
        Set<String> received = ConcurrentHashMap.newKeySet();
        WarrenActivationSpec spec = spec("classic");
        spec.setMaxInboundMessageBodySize(1024);
        try (Harness.Deployment ignored = harness.deploy(spec, recording(received))) {
            // more than one frame (frame max 128 KiB): the skipped body spans frames
            broker.publish(poisoned, text(Map.of("order", "7")), new byte[300_000]);
            publishGood();
            GetResponse parked = parked();
            assertBothQueuesDrained(received);
            Map<String, Object> headers = parked.getProps().getHeaders();
            String reason = headers.get("x-warren-reason").toString();
            assertTrue(reason.contains("300000 bytes") && reason.contains("maxInboundMessageBodySize (1024 bytes)"),
                    reason);
            assertEquals("7", headers.get("order").toString(), "a readable table is kept");
            assertEquals(0, parked.getBody().length, "the body was never read");
        }
    }

    @Test
    void aBodyOverTheClientsOwnDefaultLimitReachesTheMdb() throws Exception {
        int size = 65 * 1024 * 1024; // the client's default limit is 64 MiB; RabbitMQ 3.x takes up to 128 MiB
        Set<String> received = ConcurrentHashMap.newKeySet();
        Map<String, Integer> large = new ConcurrentHashMap<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            if (message.body().length == size) {
                large.put(message.queue(), size);
            } else {
                received.add(new String(message.body(), StandardCharsets.UTF_8));
            }
        });
        try (Harness.Deployment ignored = harness.deploy(spec("classic"), mdb)) {
            broker.publish(poisoned, text(null), new byte[size]);
            publishGood();
            assertBothQueuesDrained(received);
            assertEquals(Map.of(poisoned, size), large);
        }
    }

    @Test
    void aMarkerAPublisherWroteIsDroppedSoTheMdbRunsWhileAnOversizedMessageIsStillParked() throws Exception {
        Map<String, Map<String, Object>> received = new ConcurrentHashMap<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false,
                message -> received.put(new String(message.body(), StandardCharsets.UTF_8), message.headers()));
        WarrenActivationSpec spec = spec("classic");
        spec.setMaxInboundMessageBodySize(1024);
        // deleted even when the MDB never gets its message: Warren may have parked it there
        String parking = broker.cleanUpQueue(poisoned + ".dead-letters");
        try (Harness.Deployment ignored = harness.deploy(spec, mdb)) {
            broker.publish(poisoned, text(Map.of(UnreadableContent.HEADER, "spoofed", "kept", "yes")),
                    "spoofed".getBytes(StandardCharsets.UTF_8));
            broker.publish(poisoned, text(Map.of(UnreadableContent.HEADER, "spoofed too")), new byte[2048]);
            Broker.await("the MDB to get the message whose publisher wrote " + UnreadableContent.HEADER, WAIT,
                    () -> received.containsKey("spoofed"), () -> "; it got " + received.keySet());
            Map<String, Object> headers = received.get("spoofed");
            assertFalse(headers.containsKey(UnreadableContent.HEADER), headers.toString());
            assertEquals("yes", String.valueOf(headers.get("kept")), "the other headers are kept");
            String reason = parkedIn(parking).getProps().getHeaders().get("x-warren-reason").toString();
            assertTrue(reason.contains("2048 bytes") && !reason.contains("spoofed"), reason);
            Broker.await("the queue empty and acked", WAIT,
                    () -> broker.messageCount(poisoned) == 0 && Broker.unacknowledged(poisoned) == 0);
            assertEquals(Set.of("spoofed"), received.keySet());
        }
    }

    @Test
    void aFetchDropsAMarkerAPublisherWroteAndMarksABodyOverTheLimit() {
        try (Harness limited = new Harness(1, managed -> managed.setMaxInboundMessageBodySize(1024));
             Connection connection = limited.factory().getConnection()) {
            connection.declare(Queue.builder(poisoned).build());
            broker.publish(poisoned, text(Map.of(UnreadableContent.HEADER, "spoofed", "kept", "yes")),
                    "spoofed".getBytes(StandardCharsets.UTF_8));
            broker.publish(poisoned, text(Map.of("order", "7")), new byte[2048]);
            Message spoofed = connection.fetch(poisoned).orElseThrow();
            assertNull(spoofed.header(UnreadableContent.HEADER), spoofed.headers().toString());
            assertEquals("yes", spoofed.header("kept"));
            spoofed.ack();
            Message oversized = connection.fetch(poisoned).orElseThrow();
            String reason = String.valueOf(oversized.header(UnreadableContent.HEADER));
            assertTrue(reason.contains("2048 bytes"), reason);
            assertEquals("7", oversized.header("order"), "a readable table is kept");
            assertEquals(0, oversized.body().length, "the body was never read");
            oversized.ack();
        }
    }
}
