package io.warren.rar.metrics;

import com.rabbitmq.client.AMQP;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.InboundFixture;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An activation's MBean counts what happened to its messages, against the real broker. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class ActivationMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AMQP.BasicProperties TEXT = new AMQP.BasicProperties.Builder()
            .contentType("text/plain").build();
    private static final AMQP.BasicProperties JSON = new AMQP.BasicProperties.Builder()
            .contentType("application/json").build();

    @RegisterExtension
    final InboundFixture fixture = new InboundFixture("metrics");
    private final Broker broker = fixture.broker();
    private final Harness harness = fixture.harness();
    private final String queue = fixture.queue();

    private WarrenActivationSpec spec(int concurrency) {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setConcurrency(String.valueOf(concurrency));
        spec.setReconnectIntervalMillis("100");
        return spec;
    }

    private void publish(AMQP.BasicProperties properties, String... texts) {
        broker.publish(queue, properties, Arrays.stream(texts).map(text -> text.getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new));
    }

    @Test
    void deliveriesAcksAndTimeInOnMessageAreCountedAndTheMBeanGoesWithTheActivation() throws Exception {
        int n = 200;
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> message.payload(String.class));
        try (Harness.Deployment deployment = harness.deploy(spec(2), mdb)) {
            ActivationMXBean metrics = Mbeans.activation(queue);
            Broker.await("two consumers", WAIT, () -> metrics.getConsumersConnected() == 2);
            String[] texts = new String[n];
            java.util.Arrays.setAll(texts, i -> "message " + i);
            publish(TEXT, texts);
            Broker.await(n + " acks", WAIT, () -> metrics.getAcks() == n, () -> "acks " + metrics.getAcks());
            assertEquals(n, metrics.getDeliveries());
            assertEquals(n, metrics.getOnMessageCount());
            assertEquals(0, metrics.getRedeliveries());
            assertEquals(0, metrics.getRequeues());
            assertEquals(0, metrics.getDeadLetters());
            assertEquals(0, metrics.getDeliveriesInFlight());
            assertEquals(2, metrics.getConsumersConfigured());
            assertTrue(metrics.isConnected());
            assertEquals("127.0.0.1:5672", metrics.getNode());
            assertEquals(0, metrics.getReconnects());
            assertEquals(queue, metrics.getQueues());
            assertTrue(metrics.getOnMessageTotalMillis() >= metrics.getOnMessageMaxMillis());
            assertTrue(metrics.getOnMessageMaxMillis() > 0);
            Broker.await("the acks on the broker", WAIT, () -> Broker.unacknowledged(queue) == 0);
            System.out.printf("%d messages: onMessage total %.1f ms, max %.2f ms%n", n,
                    metrics.getOnMessageTotalMillis(), metrics.getOnMessageMaxMillis());
        }
        assertTrue(Mbeans.activationsOf(queue).isEmpty(), "unregistered at undeploy");
    }

    @Test
    void failuresAreCountedAsRequeuesRedeliveriesDeadLettersAndDecodeFailures() throws Exception {
        broker.cleanUpQueue(queue + ".dead-letters");
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            if (JSON.getContentType().equals(message.contentType())) {
                message.payload(Map.class);
            } else if (message.payload(String.class).equals("poison")) {
                throw new IllegalStateException("cannot handle poison");
            }
        });
        WarrenActivationSpec spec = spec(1);
        spec.setMaxDeliveries("3");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            ActivationMXBean metrics = Mbeans.activation(queue);
            publish(TEXT, "poison");
            Broker.await("the poison dead-lettered", WAIT, () -> metrics.getDeadLetters() == 1);
            assertEquals(3, metrics.getDeliveries());
            assertEquals(2, metrics.getRedeliveries());
            assertEquals(2, metrics.getRequeues());
            assertEquals(1, metrics.getAcks(), "the original, once its copy is in the parking queue");
            publish(JSON, "{not json");
            publish(new AMQP.BasicProperties.Builder().contentType("application/x-unknown").build(), "?");
            Broker.await("the bad bodies dead-lettered", WAIT, () -> metrics.getDeadLetters() == 3);
            assertEquals(2, metrics.getDecodeFailures());
            assertEquals(3, metrics.getAcks());
            assertEquals(3, broker.messageCount(queue + ".dead-letters"));
        }
    }

    @Test
    void containerRefusalsAreCountedAndTheirMessagesRequeued() throws Exception {
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> message.payload(String.class));
        mdb.stopping = true;
        try (Harness.Deployment deployment = harness.deploy(spec(1), mdb)) {
            ActivationMXBean metrics = Mbeans.activation(queue);
            publish(TEXT, "turned away");
            Broker.await("a refusal", WAIT, () -> metrics.getContainerRefusals() >= 1);
            mdb.stopping = false;
            Broker.await("the message acked", WAIT, () -> metrics.getAcks() == 1);
            assertEquals(metrics.getContainerRefusals(), metrics.getRequeues());
            assertEquals(0, metrics.getDeadLetters());
        }
    }

    @Test
    void aReconnectAfterTheBrokerClosedTheConnectionIsCounted() throws Exception {
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> message.payload(String.class));
        try (Harness.Deployment deployment = harness.deploy(spec(2), mdb)) {
            ActivationMXBean metrics = Mbeans.activation(queue);
            Broker.await("two consumers", WAIT, () -> metrics.getConsumersConnected() == 2);
            assertEquals(1, Mbeans.closeConnectionsNamed(harness.connectionName() + " (inbound"));
            Broker.await("a reconnect with two consumers", WAIT,
                    () -> metrics.getReconnects() == 1 && metrics.getConsumersConnected() == 2);
            assertTrue(metrics.isConnected());
            publish(TEXT, "after the reconnect");
            Broker.await("the message acked", WAIT, () -> metrics.getAcks() == 1);
        }
    }

    @Test
    void whileTheBrokerCannotBeReachedTheActivationSaysWhy() throws Exception {
        WarrenActivationSpec spec = spec(1);
        spec.setPort(1); // nothing listens there
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> message.payload(String.class));
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            ActivationMXBean metrics = Mbeans.activation(queue);
            Broker.await("a failure named", WAIT, () -> !metrics.getLastFailure().isEmpty());
            assertFalse(metrics.isConnected());
            assertEquals(0, metrics.getConsumersConnected());
            assertEquals("", metrics.getNode());
        }
    }

    @Test
    void theSameMdbOnTheSameQueueInTwoAdaptersGetsTwoMBeans() throws Exception {
        AtomicBoolean any = new AtomicBoolean();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> any.set(true));
        try (Harness second = new Harness(1);
             Harness.Deployment first = harness.deploy(spec(1), mdb);
             Harness.Deployment other = second.deploy(spec(1), mdb)) {
            assertEquals(2, Mbeans.activationsOf(queue).size(), Mbeans.activationsOf(queue).toString());
            assertEquals(1, Mbeans.named("io.warren:type=Activation,queue=" + queue + ",instance=2,*").size());
            other.close();
            assertEquals(1, Mbeans.activationsOf(queue).size());
        }
        assertTrue(Mbeans.activationsOf(queue).isEmpty());
    }
}
