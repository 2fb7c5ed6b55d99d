package io.warren.it.app;

import io.warren.Message;
import io.warren.MessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** Fails every delivery: its messages end dead-lettered after three. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Queues.FAIL),
        @ActivationConfigProperty(propertyName = "maxDeliveries", propertyValue = "3"),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "1")})
public class FailingMdb implements MessageListener {

    @Override
    public void onMessage(Message message) {
        throw new IllegalStateException("cannot handle " + message.payload(String.class));
    }
}
