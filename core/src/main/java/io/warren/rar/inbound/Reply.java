package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.warren.EncodeException;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.ProducerSettings;
import io.warren.WarrenException;
import io.warren.rar.messages.ReceivedMessage;
import io.warren.rar.outbound.OutgoingProperties;
import io.warren.rar.serialization.Serializers;

import java.io.IOException;

/**
 * What a {@link io.warren.ReplyingListener} answered to a request, encoded on the delivery's
 * thread (an encoding failure is the MDB's) and published by the {@link Settler} to the request's
 * {@code replyTo} through the default exchange, with the request's correlation id, just before the
 * request's ack; never when the request is not acked.
 */
record Reply(String replyTo, AMQP.BasicProperties properties, byte[] body) {

    /**
     * @param request the request, which has a {@code replyTo}
     * @param answer what the MDB returned
     * @throws EncodeException when the answer does not encode
     */
    static Reply to(ReceivedMessage request, OutgoingMessage answer) {
        Serializers serializers = request.serializers();
        ProducerSettings settings = Producer.to("").routingKey(request.replyTo()).build();
        Serializers.Encoded encoded;
        try {
            encoded = serializers.encode(answer.payload(), answer.serializer(), settings.serializer(),
                    answer.contentType(), answer.contentEncoding());
        } catch (WarrenException e) {
            throw e;
        } catch (RuntimeException e) {
            String type = answer.payload().getClass().getName();
            throw new EncodeException("Cannot encode the reply to a request from queue '" + request.queue()
                    + "', a payload of type " + type + ": " + e.getMessage(), type,
                    answer.contentType() != null ? answer.contentType() : "application/json", e);
        }
        OutgoingProperties.Wire wire = OutgoingProperties.wire(encoded, settings, answer);
        AMQP.BasicProperties properties = wire.properties().builder().correlationId(request.correlationId()).build();
        return new Reply(request.replyTo(), properties, wire.body());
    }

    /** Publishes the reply on the consumer's channel (a direct reply-to address is valid from any channel). */
    void publishOn(Channel channel) throws IOException {
        channel.basicPublish("", replyTo, false, properties, body);
    }
}
