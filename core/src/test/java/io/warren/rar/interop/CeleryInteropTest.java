package io.warren.rar.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.Message;
import io.warren.RequestTimeoutException;
import io.warren.celery.CeleryClient;
import io.warren.celery.CeleryTaskException;
import io.warren.celery.CeleryTasks;
import io.warren.celery.TaskCall;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.testnode.CeleryPeer;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Celery both ways against a real Celery 5.2 (Debian's python3-celery) on the real broker: Java
 * sends tasks to a Celery worker the test starts, in protocol v2, and reads their results from the
 * {@code rpc://} backend; a Python Celery client calls tasks served by a Java MDB and gets their
 * results with {@code AsyncResult.get()}. Each test has its own queue, deleted after.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class CeleryInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final CeleryPeer celery = new CeleryPeer(Path.of("src", "test", "python"));
    private final String queue = broker.queueName("celery");

    @AfterEach
    void cleanUp() throws Exception {
        celery.close();
        harness.close();
        try (Channel channel = broker.channel()) {
            channel.exchangeDelete(queue);   // Celery declares an exchange named as its queue
        }
        broker.close();
    }

    private CeleryClient client() {
        return CeleryClient.of(harness.factory());
    }

    @Test
    void javaCallsACeleryTaskWithArgsAndKwargsAndGetsItsResult() throws Exception {
        celery.startWorker(queue, WAIT, () -> broker.consumerCount(queue));
        Object result = client().call(TaskCall.of("warren.add").args(2, 3).kwarg("scale", 10).queue(queue).build(),
                WAIT).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(50, ((Number) result).intValue(), celery::log);
        assertEquals(7L, ((Number) client().callAndWait(TaskCall.of("warren.add").args(3, 4).queue(queue).build(),
                WAIT)).longValue());
    }

    @Test
    void aTaskThatRetriesItselfIsFollowedThroughItsStartedAndRetryStatesToItsResult() throws Exception {
        // the worker sends STARTED before each run (task_track_started) and RETRY before each retry
        celery.startWorker(queue, WAIT, () -> broker.consumerCount(queue));
        Object retries = client().callAndWait(TaskCall.of("warren.flaky").args(2).queue(queue).build(), WAIT);
        assertEquals(2, ((Number) retries).intValue(), celery::log);
        Object async = client().call(TaskCall.of("warren.flaky").args(1).queue(queue).build(), WAIT)
                .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, ((Number) async).intValue(), celery::log);
    }

    @Test
    void aCeleryTaskThatRaisesFailsTheStageWithCelerysExceptionTypeAndMessage() throws Exception {
        celery.startWorker(queue, WAIT, () -> broker.consumerCount(queue));
        var stage = client().call(TaskCall.of("warren.fail").args("no such account").queue(queue).build(), WAIT)
                .toCompletableFuture();
        CompletionException failed = assertThrows(CompletionException.class, stage::join);
        CeleryTaskException raised = assertInstanceOf(CeleryTaskException.class, failed.getCause(), celery::log);
        assertEquals("ValueError", raised.type());
        assertEquals("builtins", raised.module());
        assertEquals("no such account", raised.taskMessage());
        assertNotNull(raised.taskId());
        assertTrue(raised.traceback().contains("ValueError"), raised.traceback());
        assertTrue(raised.getMessage().contains("builtins.ValueError: no such account"), raised.getMessage());
    }

    @Test
    void aCountdownHoldsTheTaskUntilItsEtaAndAnExpiredTaskIsRevoked() throws Exception {
        celery.startWorker(queue, WAIT, () -> broker.consumerCount(queue));
        long sent = System.currentTimeMillis();
        Object ranAt = client().callAndWait(TaskCall.of("warren.stamp").countdown(Duration.ofSeconds(2)).queue(queue)
                .build(), WAIT);
        assertTrue(((Number) ranAt).longValue() >= sent + 2_000,
                "ran " + (((Number) ranAt).longValue() - sent) + " ms after the send, not after its 2 s countdown");

        CeleryTaskException revoked = assertThrows(CeleryTaskException.class, () -> client().callAndWait(
                TaskCall.of("warren.stamp").expires(Instant.now().minusSeconds(60)).queue(queue).build(), WAIT));
        assertEquals("TaskRevokedError", revoked.type(), revoked::getMessage);
    }

    @Test
    void aLinkedTaskRunsWithTheResultAndASentTaskNeedsNoResult() throws Exception {
        String recorded = broker.queueName("celery-linked");
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(recorded, false, false, false, null);
        }
        celery.startWorker(queue, WAIT, () -> broker.consumerCount(queue));
        Object sum = client().callAndWait(TaskCall.of("warren.add").args(20, 22).queue(queue)
                .link(TaskCall.of("warren.record").kwarg("key", recorded).queue(queue).build()).build(), WAIT);
        assertEquals(42, ((Number) sum).intValue());
        String sentId = client().send(TaskCall.of("warren.record").args("sent").kwarg("key", recorded).queue(queue)
                .build());
        assertNotNull(sentId);
        Broker.await("the linked and the sent task's records", WAIT, () -> broker.messageCount(recorded) == 2,
                celery::log);
        List<String> records = List.of(text(broker.get(recorded)), text(broker.get(recorded)));
        assertTrue(records.contains("{\"value\": 42, \"key\": \"" + recorded + "\"}"), records::toString);
        assertTrue(records.contains("{\"value\": \"sent\", \"key\": \"" + recorded + "\"}"), records::toString);
    }

    @Test
    void aTaskNobodyServesTimesOutNamingItsQueue() {
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(queue, true, false, false, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        RequestTimeoutException timedOut = assertThrows(RequestTimeoutException.class, () -> client().callAndWait(
                TaskCall.of("warren.add").args(1, 2).queue(queue).build(), Duration.ofMillis(500)));
        assertEquals(queue, timedOut.routingKey());
    }

    private static String text(GetResponse response) {
        return new String(response.getBody(), StandardCharsets.UTF_8);
    }

    // ---- Celery -> Java

    private Harness.Deployment servingMdb() throws Exception {
        CeleryTasks tasks = CeleryTasks.builder()
                .task("java.multiply", task -> ((Number) task.arg(0)).longValue()
                        * ((Number) task.kwargs().getOrDefault("by", 2)).longValue())
                .task("java.refuse", task -> {
                    throw new IllegalArgumentException("no such account: " + task.arg(0));
                })
                .task("java.python_error", task -> {
                    throw new CeleryTaskException("KeyError", "builtins", "missing " + task.arg(0));
                })
                .build();
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        Harness.Deployment deployment = harness.deploy(spec,
                TestEndpointFactory.replying(false, (Message request) -> tasks.serve(request)));
        Broker.await("the MDB's consumer on " + queue, WAIT, () -> broker.consumerCount(queue) == 1);
        return deployment;
    }

    @Test
    void pythonsSendTaskRunsAJavaMdbAndAsyncResultGetReturnsWhatItReturned() throws Exception {
        try (Harness.Deployment ignored = servingMdb()) {
            JsonNode answer = celery.call(queue, "java.multiply", "[21]", "{\"by\": 2}");
            assertEquals(42, answer.path("result").asInt(-1), answer::toString);
            answer = celery.call(queue, "java.multiply", "[5]", "{}");
            assertEquals(10, answer.path("result").asInt(-1), answer::toString);
            assertEquals(0, broker.messageCount(queue));
        }
    }

    @Test
    void aJavaTaskThatThrowsIsRaisedByAsyncResultGet() throws Exception {
        try (Harness.Deployment ignored = servingMdb()) {
            JsonNode java = celery.call(queue, "java.refuse", "[\"acme\"]", "{}");
            assertEquals("IllegalArgumentException", java.path("error_type").asText(), java::toString);
            assertEquals("[\"no such account: acme\"]", java.path("error_args").toString());

            JsonNode python = celery.call(queue, "java.python_error", "[\"x\"]", "{}");
            assertEquals("KeyError", python.path("error_type").asText(), python::toString);
            assertEquals("builtins", python.path("error_module").asText(), python::toString);
        }
    }

    @Test
    void aRolledBackDeliveryAnswersNothingAndTheRedeliveryAnswersPython() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory[] mdb = new TestEndpointFactory[1];
        CeleryTasks tasks = CeleryTasks.builder().task("java.count", task -> {
            int delivery = deliveries.incrementAndGet();
            if (delivery == 1) {
                mdb[0].setRollbackOnly();   // as a container's rollback: no result may go out for it
            }
            return "delivery " + delivery;
        }).build();
        mdb[0] = TestEndpointFactory.replying(true, tasks::serve);
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        try (Harness.Deployment ignored = harness.deploy(spec, mdb[0])) {
            Broker.await("the MDB's consumer on " + queue, WAIT, () -> broker.consumerCount(queue) == 1);
            JsonNode answer = celery.call(queue, "java.count", "[]", "{}");
            assertEquals("delivery 2", answer.path("result").asText(), answer::toString);
            assertEquals(1, mdb[0].rollbacks.get());
            Broker.await("the task's ack", WAIT, () -> Broker.unacknowledged(queue) == 0);
        }
    }

    @Test
    void aTaskTheMdbDoesNotServeIsDeadLetteredAtOnceSayingWhich() throws Exception {
        String parking = broker.cleanUpQueue(queue + ".dead-letters");
        try (var connection = harness.factory().getConnection()) {
            connection.declare(io.warren.Queue.named(parking));   // as Warren declares it, to count in it at once
        }
        try (Harness.Deployment ignored = servingMdb()) {
            client().send(TaskCall.of("billing.unknown").args(1).queue(queue).build());
            Broker.await("the dead letter in " + parking, WAIT, () -> broker.messageCount(parking) == 1);
        }
        GetResponse dead = broker.get(parking);
        Map<String, Object> headers = dead.getProps().getHeaders();
        String why = String.valueOf(headers.get("x-warren-exception-message"));
        assertTrue(why.contains("'billing.unknown'") && why.contains("[java.multiply, java.python_error, java.refuse]")
                && why.contains("task_routes"), why);
        assertEquals(1, ((Number) headers.get("x-warren-deliveries")).intValue(), headers::toString);
        assertEquals("billing.unknown", String.valueOf(dead.getProps().getHeaders().get("task")));
    }
}
