package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.EncodeException;
import io.warren.Exchange;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whatever cannot be encoded fails as an EncodeException naming what and how, and nothing is sent. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class EncodingFailureTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("encoding");
    private final Exchange exchange = Exchange.direct(broker.exchangeName("encoding"));

    EncodingFailureTest() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(exchange, "k").build());
        }
    }

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private Producer producer(String serializer) {
        return harness.factory().producer(Producer.to(exchange.name()).routingKey("k").serializer(serializer)
                .confirms(Duration.ofSeconds(10)).build());
    }

    /** Jackson finds nothing to write in a bare Object and throws. */
    @Test
    void aPayloadJacksonCannotWriteNamesItsTypeAndContentType() {
        EncodeException error = assertThrows(EncodeException.class, () -> producer("json").publish(new Object()));
        assertEquals("java.lang.Object", error.payloadType());
        assertEquals("application/json", error.contentType());
        assertTrue(error.getMessage().contains("java.lang.Object") && error.getMessage().contains("application/json"),
                error.getMessage());
    }

    @Test
    void rawRefusingAStringIsAnEncodeException() {
        EncodeException error = assertThrows(EncodeException.class, () -> producer("raw").publish("not bytes"));
        assertEquals("java.lang.String", error.payloadType());
        assertEquals("application/octet-stream", error.contentType());
    }

    @Test
    void aHeaderValueAmqpCannotCarryIsNamed() {
        OutgoingMessage message = OutgoingMessage.of("body").header("trace", UUID.randomUUID()).build();
        EncodeException error = assertThrows(EncodeException.class, () -> producer("json").publish(message));
        assertTrue(error.getMessage().contains("Header 'trace'") && error.getMessage().contains("java.util.UUID"),
                error.getMessage());
        producer("json").publish("fine");
        assertEquals(1, broker.messageCount(queue), "only the good message was sent");
    }

    @Test
    void publishConfirmedNeverThrowsItFailsItsFuture() throws Exception {
        CompletableFuture<Void> future = producer("json").publishConfirmed(new Object());
        ExecutionException error = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        assertInstanceOf(EncodeException.class, error.getCause());
        CompletableFuture<Void> header = producer("json").publishConfirmed(
                OutgoingMessage.of("body").header("trace", UUID.randomUUID()).build());
        assertInstanceOf(EncodeException.class,
                assertThrows(ExecutionException.class, () -> header.get(30, TimeUnit.SECONDS)).getCause());
    }
}
