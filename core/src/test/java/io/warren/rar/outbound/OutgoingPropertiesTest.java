package io.warren.rar.outbound;

import com.rabbitmq.client.AMQP;
import io.warren.OutgoingMessage;
import io.warren.rar.serialization.Serializers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The AMQP properties of an outgoing message, without a broker. */
class OutgoingPropertiesTest {

    private static final Serializers.Encoded TEXT =
            new Serializers.Encoded("hi".getBytes(StandardCharsets.UTF_8), "text/plain", "utf-8");

    @Test
    void aForwardedPublishIdIsDroppedAndTheApplicationsOtherHeadersKept() {
        OutgoingMessage forwarded = OutgoingMessage.of("hi").header("x-warren-publish-id", 7L)
                .header("tenant", "acme").build();
        AMQP.BasicProperties properties = OutgoingProperties.of(forwarded, TEXT, null);
        assertEquals(Map.of("tenant", "acme"), properties.getHeaders());
    }
}
