package io.warren.examples.celery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.Connection;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.test.Delivered;
import io.warren.test.WarrenTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Celery example's MDB as a unit test: a task message as Celery's {@code send_task} writes it
 * (protocol v2) gets Celery's {@code rpc://} result at its {@code replyTo}, with the task id as
 * correlation id. The in-memory broker has no direct reply-to: the test names a reply queue of its own.
 */
class BillingTest {

    private static final String REPLIES = "billing-replies";

    private final ObjectMapper json = new ObjectMapper();
    private WarrenTestKit kit;

    @BeforeEach
    void start() {
        kit = WarrenTestKit.inMemory();
        try (Connection connection = kit.connectionFactory().getConnection()) {
            connection.declare(Queue.builder(REPLIES).build());
        }
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    private void sendTask(String id, Object... args) {
        kit.producer(Producer.to("").routingKey(Billing.QUEUE).build()).publish(
                OutgoingMessage.of(Arrays.asList(List.of(args), Map.of(), Map.of()))
                        .headers(Map.of("lang", "py", "task", "billing.charge", "id", id))
                        .correlationId(id).replyTo(REPLIES).build());
    }

    private JsonNode result() throws Exception {
        kit.awaitCount(REPLIES, 1);
        Delivered reply = kit.take(REPLIES).get(0);
        return json.readTree(reply.text());
    }

    @Test
    void aChargeAnswersCelerysSuccessResultWithTheTaskId() throws Exception {
        kit.deploy(Billing.class);

        sendTask("task-1", "acme", 1250);

        JsonNode result = result();
        assertEquals("SUCCESS", result.path("status").asText(), result::toString);
        assertEquals("charged 1250 cents to acme", result.path("result").asText());
        assertEquals("task-1", result.path("task_id").asText());
        kit.awaitAcked(Billing.QUEUE);
    }

    @Test
    void aNegativeAmountIsCelerysFailureResultAndTheTaskIsStillAcked() throws Exception {
        kit.deploy(Billing.class);

        sendTask("task-2", "acme", -5);

        JsonNode result = result();
        assertEquals("FAILURE", result.path("status").asText(), result::toString);
        assertEquals("IllegalArgumentException", result.path("result").path("exc_type").asText());
        assertEquals(List.of(), kit.deadLetters(Billing.QUEUE), "answered, not dead-lettered");
        kit.awaitAcked(Billing.QUEUE);
    }
}
