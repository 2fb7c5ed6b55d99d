package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;

/** A delivery as the client handed it to a consumer, waiting for the consumer's Work. Immutable (the body is not copied). */
record Delivery(String queue, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {

    /** @return the bytes of its body, as the {@link BodyBudget} counts them */
    int size() {
        return body.length;
    }
}
