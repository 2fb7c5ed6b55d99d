package io.warren.rar.interop;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Request and reply across languages, over RabbitMQ's direct reply-to: kombu asks an MDB, and
 * Warren asks a kombu responder. kombu runs as {@code core/src/test/python/kombu_rpc.py} (see
 * {@link KombuPeer}).
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class KombuRequestReplyTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("kombu-rpc");
    private final KombuPeer kombu = new KombuPeer();

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    @Test
    void kombuAsksAnMdbAndGetsEachAnswerByItsCorrelationId() throws Exception {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setConcurrency("2");
        try (Harness.Deployment ignored = harness.deploy(spec, TestEndpointFactory.replying(true, request -> {
            int question = ((Number) request.payload(Map.class).get("question")).intValue();
            return OutgoingMessage.of(Map.of("answer", question * 2, "by", "warren")).build();
        }))) {
            Broker.await("the MDB's consumers", WAIT, () -> broker.consumerCount(queue) == 2);

            JsonNode replies = kombu.ask(queue, 5).get("replies");

            assertEquals(5, replies.size(), replies.toString());
            for (int i = 0; i < 5; i++) {
                JsonNode reply = replies.get("kombu-" + i);
                assertEquals(2 * i, reply.get("body").get("answer").asInt(), replies.toString());
                assertEquals("warren", reply.get("body").get("by").asText());
                assertEquals("application/json", reply.get("content_type").asText());
            }
        }
    }

    @Test
    void warrenAsksAKombuResponder() throws Exception {
        try (var channel = broker.channel()) {
            channel.queueDeclare(queue, false, false, false, null);
        }
        var responder = kombu.answer(queue, 3);
        Broker.await("kombu consuming " + queue, WAIT, () -> broker.consumerCount(queue) == 1 || responder.isDone());
        Producer asker = harness.factory().producer(Producer.to("").routingKey(queue).build());

        Set<String> correlationIds = new HashSet<>();
        for (int i = 1; i <= 3; i++) {
            Message reply = asker.request(OutgoingMessage.of(Map.of("question", i * 10)).build(), WAIT);
            Map<?, ?> body = reply.payload(Map.class);
            assertEquals(i * 20, ((Number) body.get("answer")).intValue(), body.toString());
            assertEquals("kombu", body.get("by"));
            correlationIds.add(reply.correlationId());
        }

        JsonNode report = responder.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        Set<String> answered = new HashSet<>();
        report.get("answered").forEach(id -> answered.add(id.asText()));
        assertEquals(correlationIds, answered, "kombu answered each request under the id Warren generated");
    }
}
