package io.warren.it.app;

import io.warren.Message;
import io.warren.MessageListener;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;

/**
 * Fails the first two deliveries of each message, which come back after 1 s and then 2 s
 * (redeliveryDelayMillis, doubling); the third publishes it to {@link Queues#RETRY_DONE}.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Queues.RETRY),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "maxDeliveries", propertyValue = "5"),
        @ActivationConfigProperty(propertyName = "redeliveryDelayMillis", propertyValue = "1000"),
        @ActivationConfigProperty(propertyName = "redeliveryMultiplier", propertyValue = "2")})
public class RetryingMdb implements MessageListener {

    /** The failed deliveries a message back from its retry queue carries (docs/redelivery.md). */
    private static final String FAILURES = "x-warren-failures";

    @Inject
    @PublishTo(routingKey = Queues.RETRY_DONE)
    Producer done;

    @Override
    public void onMessage(Message message) {
        int failed = message.header(FAILURES) instanceof Number count ? count.intValue() : 0;
        if (failed < 2) {
            throw new IllegalStateException("delivery " + (failed + 1) + " fails");
        }
        done.publish(OutgoingMessage.of(message.payload(String.class)).header("delivery", failed + 1).build());
    }
}
