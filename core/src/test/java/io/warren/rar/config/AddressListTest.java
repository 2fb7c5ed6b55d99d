package io.warren.rar.config;

import io.warren.Connection;
import io.warren.Message;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.testnode.SecondNode;
import io.warren.rar.harness.SharedNode;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code addresses}: the nodes are tried in order, outbound and inbound, and an activation whose
 * node goes down reconnects to the next one, declaring its queue there.
 */
@ExtendWith(SharedNode.class)
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class AddressListTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Broker broker = new Broker();
    private final String queue = broker.queueName("addresses");
    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        broker.close();
    }

    private <T extends AutoCloseable> T opened(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    private static int portNobodyListensOn() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void publishingSkipsANodeThatDoesNotAnswer() throws Exception {
        String addresses = "127.0.0.1:" + portNobodyListensOn() + ", 127.0.0.1:5672";
        Harness harness = opened(new Harness(2, managed -> managed.setAddresses(addresses)));
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).build());
            harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build()).publish("via the second address");
            Optional<Message> fetched = connection.fetch(queue);
            assertTrue(fetched.isPresent());
            assertEquals("via the second address", fetched.get().payload(String.class));
            fetched.get().ack();
        }
    }

    @Test
    @ResourceLock(SharedNode.LOCK) // it stops the shared node's broker application
    void anMdbAndTheProducerMoveToTheNextNodeWhenTheirNodeGoesDown(SecondNode second) throws Exception {
        String addresses = "127.0.0.1:" + second.port() + ",127.0.0.1:5672";
        Harness harness = opened(new Harness(2, managed -> managed.setAddresses(addresses)));
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> received.add(message.payload(String.class)));
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setReconnectIntervalMillis("100");
        spec.setAddresses(addresses);
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish(harness, "to the first node");
            Broker.await("the delivery from the first node", WAIT, () -> received.size() == 1);
            assertEquals(0, consumers(), "both started on the first node of the list");

            second.stopApp();
            // the activation re-declares its queue on the next node; publish there once it is consumed
            Broker.await("the queue consumed on the next node", WAIT, () -> consumers() == 1);
            // the pool discards the managed connections of the node that went down; a new one goes to the next node
            Broker.await("a publish through to the next node", WAIT, () -> {
                try {
                    publish(harness, "to the next node");
                    return true;
                } catch (WarrenException onTheNodeThatWentDown) {
                    return false;
                }
            });
            Broker.await("the delivery from the next node", WAIT, () -> received.contains("to the next node"));
        } finally {
            // the node serves other tests after this one: back up, without this test's queue
            second.startApp();
            second.deleteQueue(queue);
        }
        // at-least-once: a publish whose confirm was lost could come twice; none may be missing
        assertEquals(List.of("to the first node", "to the next node"), received.stream().distinct().toList());
    }

    private void publish(Harness harness, String payload) {
        harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build()).publish(payload);
    }

    /** @return the consumers of the queue on the main node, 0 while it is not declared there */
    private int consumers() {
        return Math.max(0, broker.consumerCount(queue));
    }
}
