package io.warren.rar.inbound;

import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class ActivationValidationTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(1);

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private static void set(WarrenActivationSpec spec, String property, String value) {
        BiConsumer<WarrenActivationSpec, String> setter = switch (property) {
            case "prefetch" -> WarrenActivationSpec::setPrefetch;
            case "concurrency" -> WarrenActivationSpec::setConcurrency;
            case "ackMode" -> WarrenActivationSpec::setAckMode;
            case "maxDeliveries" -> WarrenActivationSpec::setMaxDeliveries;
            case "declare" -> WarrenActivationSpec::setDeclare;
            case "durable" -> WarrenActivationSpec::setDurable;
            case "exchangeType" -> WarrenActivationSpec::setExchangeType;
            case "queueType" -> WarrenActivationSpec::setQueueType;
            case "headersMatch" -> WarrenActivationSpec::setHeadersMatch;
            case "routingKeys" -> WarrenActivationSpec::setRoutingKeys;
            case "reconnectIntervalMillis" -> WarrenActivationSpec::setReconnectIntervalMillis;
            case "reconnectAttempts" -> WarrenActivationSpec::setReconnectAttempts;
            case "shutdownTimeoutMillis" -> WarrenActivationSpec::setShutdownTimeoutMillis;
            case "accept" -> WarrenActivationSpec::setAccept;
            case "maxDecompressedBytes" -> WarrenActivationSpec::setMaxDecompressedBytes;
            case "port" -> (spec1, text) -> spec1.setPort(Integer.valueOf(text));
            case "heartbeatSeconds" -> (spec1, text) -> spec1.setHeartbeatSeconds(Integer.valueOf(text));
            case "addresses" -> WarrenActivationSpec::setAddresses;
            default -> (spec1, text) -> {
                try {
                    WarrenActivationSpec.class.getMethod("set" + Character.toUpperCase(property.charAt(0))
                            + property.substring(1), String.class).invoke(spec1, text);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalArgumentException(property, e);
                }
            };
        };
        setter.accept(spec, value);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "prefetch, lots, 'prefetch: ''lots'' must be a whole number from 1 to 65535'",
            "prefetch, 0, 'prefetch: ''0'' must be a whole number from 1 to 65535'",
            "concurrency, 0, 'concurrency: ''0'' must be a whole number from 1 to 1000'",
            "ackEvery, 0, 'ackEvery: ''0'' must be a whole number from 1 to the prefetch (50); leave it unset for half the prefetch, at most 25'",
            "ackEvery, 51, 'ackEvery: ''51'' must be a whole number from 1 to the prefetch (50)'",
            "ackEvery, often, 'ackEvery: ''often'' must be a whole number from 1 to the prefetch (50)'",
            "ackMode, auto, 'ackMode: ''auto'' must be container or manual'",
            "maxDeliveries, 0, 'maxDeliveries: ''0'' must be a whole number from 1 up'",
            "declare, maybe, 'declare: ''maybe'' must be true or false'",
            "durable, yes, 'durable: ''yes'' must be true or false'",
            "exchangeType, fan-out, 'exchangeType: Unknown exchange type ''fan-out'': valid types are direct, fanout, topic and headers'",
            "queueType, lake, 'queueType: Unknown queue type ''lake'': valid types are classic, quorum and stream'",
            "redeliveryDelayMillis, -1, 'redeliveryDelayMillis: ''-1'' must be a whole number from 0 up'",
            "redeliveryMultiplier, 0.5, 'redeliveryMultiplier: ''0.5'' must be a number from 1 to 100 (1 keeps the delay fixed)'",
            "maxRedeliveryDelayMillis, 0, 'maxRedeliveryDelayMillis: ''0'' must be a whole number from 1 up'",
            "overflow, reject, 'overflow: Unknown overflow ''reject'': valid values are drop-head, reject-publish, reject-publish-dlx'",
            "maxLength, many, 'maxLength: ''many'' must be a whole number from 0 up'",
            "messageTtlMillis, -5, 'messageTtlMillis: ''-5'' must be a whole number from 0 up'",
            "singleActiveConsumer, yes, 'singleActiveConsumer: ''yes'' must be true or false'",
            "queueArguments, x-max-priority, 'queueArguments: ''x-max-priority'' is not name=value (for example x-max-priority=10)'",
            "consumerPriority, high, 'consumerPriority: ''high'' must be a whole number'",
            "exclusive, true, 'exclusive: an exclusive consumer refuses every other, so it needs concurrency=1 (it is 4)'",
            "streamOffset, first, 'streamOffset: only a stream is read from an offset; set queueType=stream or leave streamOffset unset'",
            "routingKeys, a.b, 'exchange: routingKeys and bindingHeaders need an exchange to bind to'",
            "exchangeBindings, upstream=order.#, 'exchangeBindings: bind the activation''s exchange to others: set exchange too'",
            "reconnectIntervalMillis, soon, 'reconnectIntervalMillis: ''soon'' must be a whole number from 1 up'",
            "reconnectAttempts, -2, 'reconnectAttempts: ''-2'' must be a whole number from -1 up'",
            "shutdownTimeoutMillis, -1, 'shutdownTimeoutMillis: ''-1'' must be a whole number from 0 up'",
            "maxDecompressedBytes, 0, 'maxDecompressedBytes: ''0'' must be a whole number from 1 up'",
            "maxHeldBytes, 0, 'maxHeldBytes: ''0'' must be a whole number from 1 up'",
            "maxHeldBytes, 64MiB, 'maxHeldBytes: ''64MiB'' must be a whole number from 1 up'",
            "heartbeatSeconds, -5, 'heartbeatSeconds: ''-5'' must be a whole number from 0 up'",
            "addresses, 'node1:x', 'addresses: ''node1:x'' is not host or host:port'",
    })
    void eachBadPropertyIsRejectedWithItsName(String property, String value, String expected) {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(broker.queueName("invalid"));
        set(spec, property, value);
        InvalidPropertyException error = assertThrows(InvalidPropertyException.class,
                () -> harness.deploy(spec, new TestEndpointFactory(false, message -> { })));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }

    @Test
    void aMissingQueueNameIsRejected() {
        InvalidPropertyException error = assertThrows(InvalidPropertyException.class,
                () -> harness.deploy(new WarrenActivationSpec(), new TestEndpointFactory(false, message -> { })));
        assertTrue(error.getMessage().contains("queue: name the queue to consume with 'queue', or several with 'queues'"),
                error.getMessage());
    }

    @Test
    void everyBadPropertyIsReportedAtOnce() {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setPrefetch("-1");
        spec.setAckMode("auto");
        spec.setExchangeType("weird");
        InvalidPropertyException error = assertThrows(InvalidPropertyException.class, spec::validate);
        for (String property : new String[] {"queue:", "prefetch:", "ackMode:", "exchangeType:"}) {
            assertTrue(error.getMessage().contains(property), property + " in " + error.getMessage());
        }
    }

    @Test
    void anUnknownSerializerInAcceptIsRejected() {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(broker.queueName("accept"));
        spec.setAccept("json, pickle");
        InvalidPropertyException error = assertThrows(InvalidPropertyException.class,
                () -> harness.deploy(spec, new TestEndpointFactory(false, message -> { })));
        assertTrue(error.getMessage().contains("Unknown serializer 'pickle'"), error.getMessage());
    }

    @Test
    void aMissingQueueFailsTheActivationWhenNotDeclaring() {
        String queue = broker.queueName("absent");
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setDeclare("false");
        ResourceException error = assertThrows(ResourceException.class,
                () -> harness.deploy(spec, new TestEndpointFactory(false, message -> { })));
        assertTrue(error.getMessage().contains("queue '" + queue + "'"), error.getMessage());
        assertTrue(error.getMessage().contains("NOT_FOUND"), error.getMessage());
    }

    @Test
    void aQueueDeclaredWithOtherArgumentsFailsTheActivationNamingTheArgument() throws Exception {
        String queue = broker.queueName("inequivalent");
        WarrenActivationSpec classic = new WarrenActivationSpec();
        classic.setQueue(queue);
        harness.deploy(classic, new TestEndpointFactory(false, message -> { })).close();
        WarrenActivationSpec quorum = new WarrenActivationSpec();
        quorum.setQueue(queue);
        quorum.setQueueType("quorum");
        ResourceException error = assertThrows(ResourceException.class,
                () -> harness.deploy(quorum, new TestEndpointFactory(false, message -> { })));
        assertTrue(error.getMessage().contains("x-queue-type"), error.getMessage());
    }

    @Test
    void aStreamNeedsOneConsumerAValidOffsetAndNoRedeliveryDelay() {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue("s");
        spec.setQueueType("stream");
        spec.setStreamOffset("yesterday");
        spec.setRedeliveryDelayMillis("100");
        InvalidPropertyException error = assertThrows(InvalidPropertyException.class, spec::validate);
        for (String expected : new String[] {
                "streamOffset: 'yesterday' must be first, last, next, an offset number, or a time such as 2026-11-30T12:00:00Z",
                "concurrency: every consumer of a stream reads every message, so a stream needs concurrency=1 (it is 4)",
                "redeliveryDelayMillis: a stream cannot take a message back"}) {
            assertTrue(error.getMessage().contains(expected), expected + " in " + error.getMessage());
        }
    }

    @Test
    void maxRedeliveryDelayMustNotBeLessThanTheFirst() {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue("q");
        spec.setRedeliveryDelayMillis("500");
        spec.setMaxRedeliveryDelayMillis("100");
        InvalidPropertyException error = assertThrows(InvalidPropertyException.class, spec::validate);
        assertTrue(error.getMessage().contains("maxRedeliveryDelayMillis: 100 is less than redeliveryDelayMillis (500)"),
                error.getMessage());
    }

    @Test
    void queueArgumentsAreTypedAndTheNamedPropertiesWin() {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue("q");
        spec.setQueueArguments("x-max-priority=10, x-message-ttl=1000, x-queue-mode=lazy, x-flag=true");
        spec.setMessageTtlMillis("60000");
        spec.setSingleActiveConsumer("true");
        var arguments = spec.inboundSettings().queues().get(0).arguments();
        assertEquals(10L, arguments.get("x-max-priority"));
        assertEquals(60_000L, arguments.get("x-message-ttl"));
        assertEquals("lazy", arguments.get("x-queue-mode"));
        assertEquals(true, arguments.get("x-flag"));
        assertEquals(true, arguments.get("x-single-active-consumer"));
    }

    @Test
    void redeliveryDelaysGrowByTheMultiplierUpToTheMaximum() {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue("q");
        spec.setRedeliveryDelayMillis("100");
        spec.setMaxRedeliveryDelayMillis("1000");
        spec.setMaxDeliveries("8");
        RedeliveryDelays delays = spec.inboundSettings().redeliveryDelays();
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L),
                IntStream.rangeClosed(1, 6).mapToObj(delays::afterFailure).toList());
        assertEquals(Set.of(100L, 200L, 400L, 800L, 1000L), delays.all(8));
        assertFalse(new WarrenActivationSpec().inboundSettings().redeliveryDelays().enabled(), "off by default");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue("q");
        InboundSettings settings = spec.inboundSettings();
        assertEquals(50, settings.prefetch());
        assertEquals(4, settings.concurrency());
        assertEquals(5, settings.maxDeliveries());
        assertEquals(InboundSettings.AckMode.CONTAINER, settings.ackMode());
        assertTrue(settings.declare());
        assertTrue(settings.queues().get(0).durable());
    }
}
