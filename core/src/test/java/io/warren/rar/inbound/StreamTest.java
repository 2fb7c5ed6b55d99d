package io.warren.rar.inbound;

import io.warren.Connection;
import io.warren.Queue;
import io.warren.QueueType;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An MDB reads a stream from its offset; failures are dead-lettered, never rejected; a reconnect reads on. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class StreamTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(1);
    private final String stream = broker.queueName("stream");

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    /** Declared from the outbound Connection, with the same builder the activation uses. */
    private void declareStream() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(stream).type(QueueType.STREAM).maxLengthBytes(100_000_000).build());
        }
    }

    private void publish(int from, int to) {
        for (int i = from; i <= to; i++) {
            broker.publish(stream, Broker.TEXT, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private WarrenActivationSpec spec(String offset) {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(stream);
        spec.setQueueType("stream");
        spec.setQueueArguments("x-max-length-bytes=100000000");
        spec.setConcurrency("1");
        spec.setPrefetch("10");
        spec.setReconnectIntervalMillis("100");
        if (offset != null) {
            spec.setStreamOffset(offset);
        }
        return spec;
    }

    private static TestEndpointFactory recording(List<String> into) {
        return new TestEndpointFactory(false, message -> into.add(message.payload(String.class)));
    }

    private static List<String> messages(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "m" + i).toList();
    }

    private int consumersOnBroker() {
        for (String line : Broker.rabbitmqctl("list_queues", "name", "consumers").split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 2 && columns[0].equals(stream)) {
                return Integer.parseInt(columns[1]);
            }
        }
        return 0;
    }

    @Test
    void eachMdbReadsFromItsOffset() throws Exception {
        declareStream();
        Instant before = Instant.now().minusSeconds(2);
        publish(0, 4);
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> third = new CopyOnWriteArrayList<>();
        List<String> next = new CopyOnWriteArrayList<>();
        List<String> since = new CopyOnWriteArrayList<>();
        try (Harness.Deployment a = harness.deploy(spec("first"), recording(first));
             Harness.Deployment b = harness.deploy(spec("3"), recording(third));
             Harness.Deployment c = harness.deploy(spec(null), recording(next));
             Harness.Deployment d = harness.deploy(spec(before.toString()), recording(since))) {
            Broker.await("four readers", WAIT, () -> consumersOnBroker() == 4);
            Broker.await("the earlier messages read", WAIT, () -> first.size() == 5 && third.size() == 2
                    && since.size() == 5, () -> first + " " + third + " " + since);
            publish(5, 5);
            Broker.await("the new message read by all", WAIT, () -> first.size() == 6 && third.size() == 3
                    && next.size() == 1 && since.size() == 6, () -> first + " " + third + " " + next + " " + since);
        }
        assertEquals(messages(0, 5), first, "first");
        assertEquals(messages(3, 5), third, "offset 3");
        assertEquals(messages(5, 5), next, "next, the default");
        assertEquals(messages(0, 5), since, "a time before the first message");
    }

    @Test
    void aFailedDeliveryIsDeadLetteredAndReadingGoesOnOnTheSameConnection() throws Exception {
        declareStream();
        String parking = broker.cleanUpQueue(stream + ".dead-letters");
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            String text = message.payload(String.class);
            received.add(text);
            if (text.equals("m1")) {
                throw new IllegalStateException("m1 fails");
            }
        });
        try (Harness.Deployment deployment = harness.deploy(spec("first"), mdb)) {
            publish(0, 3);
            Broker.await("every message read", WAIT, () -> received.size() == 4, received::toString);
            Broker.await("the failed one dead-lettered", WAIT, () -> broker.messageCount(parking) == 1);
            assertEquals(1, Broker.connectionsNamed(harness.connectionName() + " (inbound"),
                    "no reject or nack reached the broker (it closes the connection for one on a stream)");
            assertEquals(1, deployment.consumers());
        }
        assertEquals(messages(0, 3), received, "read once each, in order");
        assertEquals("m1", Broker.text(broker.get(parking)));
    }

    @Test
    void aNewConnectionReadsOnAfterTheLastMessageSettled() throws Exception {
        declareStream();
        publish(0, 2);
        List<String> received = new CopyOnWriteArrayList<>();
        try (Harness.Deployment deployment = harness.deploy(spec("first"), recording(received))) {
            Broker.await("the first messages", WAIT, () -> received.size() == 3);
            assertTrue(Broker.closeConnectionsNamed(harness.connectionName() + " (inbound", "test: connection lost") > 0);
            // (RabbitMQ 3.10 goes on counting the closed connection's stream consumer: not asked here)
            Broker.await("the consumer back", WAIT, () -> deployment.consumers() == 1);
            publish(3, 4);
            Broker.await("the new messages", WAIT, () -> received.size() >= 5, received::toString);
        }
        assertEquals(messages(0, 4), received, "nothing read twice after the reconnect, nothing skipped");
    }
}
