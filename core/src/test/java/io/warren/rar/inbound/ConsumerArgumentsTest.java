package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.InboundFixture;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Consumer priority, exclusive consumers and single active consumer, each as the broker applies it. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class ConsumerArgumentsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AMQP.BasicProperties TEXT = new AMQP.BasicProperties.Builder().contentType("text/plain").build();

    @RegisterExtension
    final InboundFixture fixture = new InboundFixture("consumer-arguments");
    private final Broker broker = fixture.broker();
    private final Harness harness = fixture.harness();
    private final String queue = fixture.queue();

    private WarrenActivationSpec spec() {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setReconnectIntervalMillis("100");
        return spec;
    }

    private static TestEndpointFactory recording(List<String> into) {
        return new TestEndpointFactory(false, message -> into.add(message.payload(String.class)));
    }

    private void publish(String prefix, int count) {
        for (int i = 0; i < count; i++) {
            broker.publish(queue, TEXT, (prefix + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    private int consumersOnBroker() {
        return Math.max(0, broker.consumerCount(queue));
    }

    @Test
    void withSingleActiveConsumerOnlyOneActivationConsumesAndTheOtherTakesOverWhenItStops() throws Exception {
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        WarrenActivationSpec firstSpec = spec();
        firstSpec.setSingleActiveConsumer("true");
        WarrenActivationSpec secondSpec = spec();
        secondSpec.setSingleActiveConsumer("true");
        // two activations stand for two servers: each has its own connection and consumer
        Harness.Deployment firstDeployment = harness.deploy(firstSpec, recording(first));
        try (Harness.Deployment ignored = harness.deploy(secondSpec, recording(second))) {
            Broker.await("two consumers registered", WAIT, () -> consumersOnBroker() == 2);
            publish("a-", 20);
            Broker.await("20 deliveries", WAIT, () -> first.size() + second.size() == 20);
            assertEquals(20, first.size(), "the first registered consumer is the single active one");
            assertEquals(0, second.size(), "the other waits");
            firstDeployment.close();
            publish("b-", 20);
            Broker.await("the other activation takes over", WAIT, () -> second.size() == 20, second::toString);
            assertEquals(20, first.size());
        } finally {
            firstDeployment.close();
        }
    }

    @Test
    void theHigherPriorityConsumerGetsTheMessagesWhileItHasRoom() throws Exception {
        List<String> high = new CopyOnWriteArrayList<>();
        List<String> low = new CopyOnWriteArrayList<>();
        WarrenActivationSpec highSpec = spec();
        highSpec.setConsumerPriority("10");
        highSpec.setPrefetch("200");
        WarrenActivationSpec lowSpec = spec();
        lowSpec.setConsumerPriority("-5");
        lowSpec.setPrefetch("200");
        try (Harness.Deployment lowDeployment = harness.deploy(lowSpec, recording(low));
             Harness.Deployment highDeployment = harness.deploy(highSpec, recording(high))) {
            Broker.await("two consumers registered", WAIT, () -> consumersOnBroker() == 2);
            publish("m-", 50);
            Broker.await("50 deliveries", WAIT, () -> high.size() + low.size() == 50);
            assertEquals(50, high.size(), "all to the priority-10 consumer, low got " + low);
        }
    }

    @Test
    void anExclusiveConsumerKeepsOthersOff() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        WarrenActivationSpec spec = spec();
        spec.setExclusive("true");
        try (Harness.Deployment ignored = harness.deploy(spec, recording(received))) {
            Broker.await("the exclusive consumer", WAIT, () -> consumersOnBroker() == 1);
            Channel channel = broker.channel();
            IOException refused = assertThrows(IOException.class,
                    () -> channel.basicConsume(queue, false, new DefaultConsumer(channel)));
            assertTrue(String.valueOf(refused.getCause()).contains("ACCESS_REFUSED"), String.valueOf(refused.getCause()));
            publish("x-", 5);
            Broker.await("the exclusive consumer consumes", WAIT, () -> received.size() == 5);
        }
    }
}
