package io.warren.rar.inbound;

import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            default -> throw new IllegalArgumentException(property);
        };
        setter.accept(spec, value);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "prefetch, lots, 'prefetch: ''lots'' must be a whole number from 1 to 65535'",
            "prefetch, 0, 'prefetch: ''0'' must be a whole number from 1 to 65535'",
            "concurrency, 0, 'concurrency: ''0'' must be a whole number from 1 to 1000'",
            "ackMode, auto, 'ackMode: ''auto'' must be container or manual'",
            "maxDeliveries, 0, 'maxDeliveries: ''0'' must be a whole number from 1 up'",
            "declare, maybe, 'declare: ''maybe'' must be true or false'",
            "durable, yes, 'durable: ''yes'' must be true or false'",
            "exchangeType, fan-out, 'exchangeType: Unknown exchange type ''fan-out'': valid types are direct, fanout, topic and headers'",
            "queueType, stream, 'queueType: Unknown queue type ''stream'': valid types are classic and quorum'",
            "routingKeys, a.b, 'exchange: routingKeys and bindingHeaders need an exchange to bind to'",
            "reconnectIntervalMillis, soon, 'reconnectIntervalMillis: ''soon'' must be a whole number from 1 up'",
            "reconnectAttempts, -2, 'reconnectAttempts: ''-2'' must be a whole number from -1 up'",
            "shutdownTimeoutMillis, -1, 'shutdownTimeoutMillis: ''-1'' must be a whole number from 0 up'",
            "maxDecompressedBytes, 0, 'maxDecompressedBytes: ''0'' must be a whole number from 1 up'",
            "heartbeatSeconds, -5, 'heartbeatSeconds: ''-5'' is not a whole number of at least 0'",
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
