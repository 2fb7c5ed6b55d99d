package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.container.TestWorkManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Consumers survive broker restarts and undeploys without losing a message. */
@ResourceLock(Broker.LOCK) // stops the broker
class InboundRecoveryTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(1);
    private final String queue = broker.queueName("recovery");

    @AfterEach
    void cleanUp() {
        Broker.startAppIfStopped();
        harness.close();
        broker.close();
    }

    private void publishNumbered(int count) {
        AMQP.BasicProperties persistentText = new AMQP.BasicProperties.Builder()
                .contentType("text/plain").deliveryMode(2).build();
        byte[][] bodies = new byte[count][];
        for (int i = 0; i < count; i++) {
            bodies[i] = ("m-" + i).getBytes(StandardCharsets.UTF_8);
        }
        broker.publish(queue, persistentText, bodies);
    }

    private void declareQueue() {
        try (var connection = harness.factory().getConnection()) {
            connection.declare(io.warren.Queue.named(queue));
        }
    }

    /** Simulates a little work per message, so that consumption spans the broker restarts. */
    private static void work(Duration duration) {
        LockSupport.parkNanos(duration.toNanos());
    }

    private static void restartBroker() {
        Broker.rabbitmqctl("stop_app");
        Broker.rabbitmqctl("start_app");
        Broker.rabbitmqctl("await_startup");
    }

    @Test
    void tenThousandMessagesSurviveTwoBrokerRestartsWithNoneLost() throws Exception {
        int total = 10_000;
        declareQueue();
        publishNumbered(total);
        Map<String, Integer> deliveries = new ConcurrentHashMap<>();
        AtomicInteger received = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            work(Duration.ofMillis(1));
            deliveries.merge(message.payload(String.class), 1, Integer::sum);
            received.incrementAndGet();
        });
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setConcurrency("2");
        spec.setPrefetch("50");
        spec.setReconnectIntervalMillis("500");
        Duration generous = Duration.ofMinutes(3);
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            Broker.await("2,000 deliveries", generous, () -> received.get() >= 2_000);
            restartBroker();
            int afterFirst = received.get();
            Broker.await("6,000 deliveries", generous, () -> received.get() >= Math.max(6_000, afterFirst + 1_000));
            int beforeSecond = received.get();
            restartBroker();
            Broker.await("every message", generous, () -> deliveries.size() == total);
            Broker.await("nothing left on the broker", generous,
                    () -> broker.messageCount(queue) == 0 && Broker.unacknowledged(queue) == 0);
            assertEquals(2, deployment.consumers(), "every consumer came back");
            assertTrue(beforeSecond < total, "the second restart happened while consuming");
        }
        int duplicates = received.get() - total;
        Set<String> redeliveredIds = deliveries.entrySet().stream().filter(entry -> entry.getValue() > 1)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        System.out.printf("recovery test: %d messages, 2 broker restarts, %d deliveries, %d duplicates "
                + "(%d messages delivered more than once)%n", total, received.get(), duplicates, redeliveredIds.size());
        assertEquals(total, deliveries.size(), "no message lost");
        assertEquals(mdb.beforeDeliveries.get(), mdb.afterDeliveries.get());
    }

    @Test
    void undeployingWhileBusyLosesNothingAndRedeployingConsumesTheRest() throws Exception {
        int total = 500;
        declareQueue();
        publishNumbered(total);
        Set<String> threadsBefore = threadNames();
        Set<String> processed = ConcurrentHashMap.newKeySet();
        AtomicInteger successes = new AtomicInteger();
        TestEndpointFactory first = new TestEndpointFactory(false, message -> {
            work(Duration.ofMillis(5));
            processed.add(message.payload(String.class));
            successes.incrementAndGet();
        });
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setConcurrency("4");
        spec.setPrefetch("20");
        Harness.Deployment deployment = harness.deploy(spec, first);
        Broker.await("100 processed", Duration.ofSeconds(30), () -> successes.get() >= 100);
        deployment.close();
        int processedByFirst = successes.get();

        assertEquals(first.beforeDeliveries.get(), first.afterDeliveries.get(), "deliveries finished, paired");
        assertEquals(first.endpointsCreated.get(), first.endpointsReleased.get(), "every endpoint released");
        Broker.await("no unacked message left", Duration.ofSeconds(10), () -> Broker.unacknowledged(queue) == 0);
        assertEquals(total - processedByFirst, broker.messageCount(queue), "the prefetched rest is back in the queue");
        Broker.await("the inbound connection's threads gone", Duration.ofSeconds(10),
                () -> threadNames().stream().noneMatch(name -> name.contains("(inbound")),
                () -> "threads now " + threadNames());
        assertTrue(threadsBefore.stream().noneMatch(name -> name.contains("(inbound")));
        assertTrue(Broker.rabbitmqctl("list_connections", "client_properties").lines()
                .noneMatch(line -> line.contains(harness.connectionName() + " (inbound")), "inbound connection closed");

        TestEndpointFactory second = new TestEndpointFactory(false, message -> processed.add(message.payload(String.class)));
        WarrenActivationSpec again = new WarrenActivationSpec();
        again.setQueue(queue);
        try (Harness.Deployment redeployed = harness.deploy(again, second)) {
            Broker.await("the rest consumed after redeploy", Duration.ofSeconds(30), () -> processed.size() == total);
            Broker.await("all acked", Duration.ofSeconds(10),
                    () -> broker.messageCount(queue) == 0 && Broker.unacknowledged(queue) == 0);
        }
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> !name.startsWith(TestWorkManager.THREAD_PREFIX) && !name.equals("process reaper"))
                .collect(Collectors.toSet());
    }
}
