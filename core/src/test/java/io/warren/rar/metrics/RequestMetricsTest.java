package io.warren.rar.metrics;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.RequestTimeoutException;
import io.warren.UnroutableException;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection factory's MBean counts its requests by how each ended (reply, timeout, return, lost
 * reply address), the replies that matched none, and the requests waiting now, against the real
 * broker. Closes only its own harness's connections.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class RequestMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("request-metrics");
    private final String unanswered = broker.queueName("request-metrics-unanswered");

    RequestMetricsTest() throws Exception {
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(queue, false, false, false, null);
            channel.queueDeclare(unanswered, false, false, false, null);
        }
    }

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private Producer asker(String routingKey) {
        return harness.factory().producer(Producer.to("").routingKey(routingKey).serializer("text").build());
    }

    /** Every request is counted once by how it ended, or as in flight. */
    private static long accountedFor(ConnectionFactoryMXBean metrics) {
        return metrics.getReplies() + metrics.getRequestTimeouts() + metrics.getRequestReturns()
                + metrics.getRequestsFailed() + metrics.getRequestsInFlight();
    }

    @Test
    void requestsAreCountedByHowTheyEndedAndTheRepliesThatMatchedNone() throws Exception {
        int n = 50;
        List<CompletableFuture<Message>> replies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            replies.add(asker(queue).requestAsync(OutgoingMessage.of("q" + i).build(), WAIT).toCompletableFuture());
        }
        ConnectionFactoryMXBean metrics = Mbeans.factory(harness.connectionName());
        Broker.await("the requests in their queue", WAIT, () -> broker.messageCount(queue) == n);
        assertEquals(n, metrics.getRequests());
        assertEquals(n, metrics.getRequestsInFlight(), "nobody answers yet: all wait");
        assertEquals(0, metrics.getReplies());

        // a plain responder answers them all
        try (Channel responder = broker.channel()) {
            responder.basicConsume(queue, true, (tag, request) -> responder.basicPublish("",
                    request.getProperties().getReplyTo(), new AMQP.BasicProperties.Builder()
                            .correlationId(request.getProperties().getCorrelationId()).build(),
                    request.getBody()), tag -> { });
            CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        }
        assertEquals(n, metrics.getReplies());
        assertEquals(0, metrics.getRequestsInFlight());
        assertTrue(metrics.getReplyLatencyMaxMillis() > 0, "max " + metrics.getReplyLatencyMaxMillis());
        assertTrue(metrics.getReplyLatencyTotalMillis() >= metrics.getReplyLatencyMaxMillis(),
                metrics.getReplyLatencyTotalMillis() + " total, " + metrics.getReplyLatencyMaxMillis() + " max");
        assertTrue(metrics.getPublishes() >= n, "requests are publishes too: " + metrics.getPublishes());

        // one times out; its reply comes late, twice: both dropped
        assertThrows(RequestTimeoutException.class,
                () -> asker(unanswered).request(OutgoingMessage.of("late").build(), Duration.ofMillis(200)));
        assertEquals(1, metrics.getRequestTimeouts());
        GetResponse request = broker.get(unanswered);
        assertNotNull(request, "the timed out request waits in its queue");
        try (Channel channel = broker.channel()) {
            AMQP.BasicProperties late = new AMQP.BasicProperties.Builder()
                    .correlationId(request.getProps().getCorrelationId()).build();
            for (int i = 0; i < 2; i++) {
                channel.basicPublish("", request.getProps().getReplyTo(), late,
                        "too late".getBytes(StandardCharsets.UTF_8));
            }
        }
        Broker.await("both late replies dropped", WAIT, () -> metrics.getRepliesDropped() == 2,
                () -> metrics.getRepliesDropped() + " dropped");
        assertEquals(n, metrics.getReplies(), "a dropped reply is not a reply");

        // a mandatory one no queue receives is returned
        Producer mandatory = harness.factory().producer(Producer.to("").routingKey(queue + ".nobody")
                .serializer("text").mandatory(true).build());
        assertThrows(UnroutableException.class, () -> mandatory.request(OutgoingMessage.of("lost").build(), WAIT));
        assertEquals(1, metrics.getRequestReturns());

        assertEquals(n + 2, metrics.getRequests());
        assertEquals(metrics.getRequests(), accountedFor(metrics));
    }

    @Test
    void requestsWhoseReplyAddressWentWithTheConnectionAreCountedAsFailed() throws Exception {
        List<CompletableFuture<Message>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(asker(unanswered).requestAsync(OutgoingMessage.of("w" + i).build(), Duration.ofSeconds(120))
                    .toCompletableFuture());
        }
        ConnectionFactoryMXBean metrics = Mbeans.factory(harness.connectionName());
        Broker.await("the requests in their queue", WAIT, () -> broker.messageCount(unanswered) == 3);
        assertEquals(3, metrics.getRequestsInFlight());

        assertEquals(1, Mbeans.closeConnectionsNamed(harness.connectionName() + " (outbound)"));
        for (CompletableFuture<Message> request : waiting) {
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> request.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(WarrenException.class, failed.getCause());
        }
        assertEquals(3, metrics.getRequestsFailed());
        assertEquals(0, metrics.getRequestsInFlight());
        assertEquals(0, metrics.getRequestTimeouts());
        assertEquals(3, metrics.getRequests());
        assertEquals(metrics.getRequests(), accountedFor(metrics));
    }
}
