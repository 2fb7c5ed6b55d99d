package io.warren.rar.inbound;

import com.rabbitmq.client.Channel;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.InboundFixture;
import io.warren.rar.harness.TestEndpointFactory;
import jakarta.resource.ResourceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The queue an MDB declares has the arguments its activation config asks for, or the deployment says why not. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class QueueArgumentsTest {

    @RegisterExtension
    final InboundFixture fixture = new InboundFixture("queue-arguments");
    private final Broker broker = fixture.broker();
    private final Harness harness = fixture.harness();
    private final String queue = fixture.queue();

    private static TestEndpointFactory idle() {
        return new TestEndpointFactory(false, message -> { });
    }

    /** The broker accepts a redeclaration only with equivalent arguments: a check of what it holds. */
    private void assertBrokerHas(String name, Map<String, Object> arguments) throws Exception {
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(name, true, false, false, arguments);
        }
    }

    @Test
    void theNamedPropertiesAndQueueArgumentsAreDeclaredTyped() throws Exception {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setMessageTtlMillis("60000");
        spec.setMaxLength("1000");
        spec.setOverflow("reject-publish");
        spec.setSingleActiveConsumer("true");
        // x-max-priority sent as text would be refused by the broker: it must go as a number
        spec.setQueueArguments("x-max-priority=10, x-queue-mode=lazy");
        try (Harness.Deployment ignored = harness.deploy(spec, idle())) {
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("x-message-ttl", 60_000L);
            expected.put("x-max-length", 1_000L);
            expected.put("x-overflow", "reject-publish");
            expected.put("x-single-active-consumer", true);
            expected.put("x-max-priority", 10L);
            expected.put("x-queue-mode", "lazy");
            assertBrokerHas(queue, expected);
        }
    }

    @Test
    void aQuorumQueueIsDeclaredWithItsArguments() throws Exception {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setQueueType("quorum");
        spec.setQueueArguments("x-delivery-limit=20");
        try (Harness.Deployment ignored = harness.deploy(spec, idle())) {
            assertBrokerHas(queue, Map.of("x-queue-type", "quorum", "x-delivery-limit", 20L));
        }
    }

    @Test
    void anExistingQueueWithOtherArgumentsFailsTheDeploymentNamingTheArgumentAndBothValues() throws Exception {
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(queue, true, false, false, Map.of("x-max-length", 10));
        }
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setMaxLength("20");
        ResourceException error = assertThrows(ResourceException.class, () -> harness.deploy(spec, idle()));
        String message = error.getMessage();
        assertTrue(message.contains("queue '" + queue + "' with a different 'x-max-length': declared 20, the broker has 10"),
                message);
    }

    @Test
    void anArgumentTheBrokerHasButTheActivationLacksIsNamedToo() throws Exception {
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(queue, true, false, false, Map.of("x-message-ttl", 5_000));
        }
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        ResourceException error = assertThrows(ResourceException.class, () -> harness.deploy(spec, idle()));
        assertTrue(error.getMessage().contains("'x-message-ttl': declared none (not set), the broker has 5000"),
                error.getMessage());
    }
}
