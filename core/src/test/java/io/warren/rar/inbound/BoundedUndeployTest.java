package io.warren.rar.inbound;

import io.warren.rar.harness.Broker;
import io.warren.rar.harness.FreezingProxy;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Undeploy ends within its bound even when the broker stops answering, and leaves nothing running. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ) // its own queues and connections only
class BoundedUndeployTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 1_000;
    /** A liveness bound, not a measurement: the promised bound plus room for a busy machine. */
    private static final long UNDEPLOY_BOUND_MILLIS = SHUTDOWN_TIMEOUT_MILLIS + Teardown.SHUTDOWN_MARGIN_MILLIS + 10_000;

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(1);
    private final String first = broker.queueName("undeploy-a");
    private final String second = broker.queueName("undeploy-b");

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    @Test
    void undeployReturnsWithinShutdownTimeoutPlusMarginWhenTheBrokerStopsAnswering() throws Exception {
        AtomicInteger delivered = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> delivered.incrementAndGet());
        try (FreezingProxy proxy = new FreezingProxy()) {
            WarrenActivationSpec spec = new WarrenActivationSpec();
            spec.setQueues(first + "," + second);
            spec.setConcurrency("3");
            spec.setAddresses("127.0.0.1:" + proxy.port());
            spec.setShutdownTimeoutMillis(String.valueOf(SHUTDOWN_TIMEOUT_MILLIS));
            // each call the old undeploy made waited this long for a broker that does not answer, in turn
            spec.setChannelRpcTimeoutMillis(60_000);
            Harness.Deployment deployment = harness.deploy(spec, mdb);
            Thread undeploying = new Thread(deployment::close, "undeploy");
            try {
                Broker.await("three consumers on each queue", WAIT, () -> deployment.consumers() == 3
                        && broker.consumerCount(first) == 3 && broker.consumerCount(second) == 3);
                for (int i = 0; i < 6; i++) {
                    broker.publish(i % 2 == 0 ? first : second, Broker.TEXT, ("m" + i).getBytes(StandardCharsets.UTF_8));
                }
                Broker.await("the messages delivered and acked", WAIT, () -> delivered.get() == 6
                        && broker.messageCount(first) == 0 && broker.messageCount(second) == 0
                        && Broker.unacknowledged(first) == 0 && Broker.unacknowledged(second) == 0);
                proxy.freeze();
                undeploying.start();
                undeploying.join(UNDEPLOY_BOUND_MILLIS);
                assertFalse(undeploying.isAlive(), "endpointDeactivation returned within " + UNDEPLOY_BOUND_MILLIS
                        + " ms against a broker that does not answer; it is at " + stackOf(undeploying));
                Broker.await("no client thread of the activation left", WAIT, () -> threadsOfTheHarness().isEmpty(),
                        () -> threadsOfTheHarness().toString());
                assertEquals(0, harness.workManager().runningCount(), "no Work of the activation left");
                assertEquals(mdb.endpointsCreated.get(), mdb.endpointsReleased.get(), "every endpoint released");
            } finally {
                proxy.close(); // ends what a hanging undeploy still waits for
                undeploying.join(WAIT.toMillis());
            }
        }
        Broker.await("no consumer left on the broker", WAIT,
                () -> broker.consumerCount(first) == 0 && broker.consumerCount(second) == 0);
    }

    private List<String> threadsOfTheHarness() {
        String prefix = "warren-amqp " + harness.connectionName();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith(prefix))
                .map(Thread::getName).toList();
    }

    private static String stackOf(Thread thread) {
        StringBuilder stack = new StringBuilder();
        for (StackTraceElement frame : thread.getStackTrace()) {
            stack.append("\n\tat ").append(frame);
        }
        return stack.toString();
    }
}
