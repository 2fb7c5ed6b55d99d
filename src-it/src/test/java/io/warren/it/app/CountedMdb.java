package io.warren.it.app;

import io.warren.Message;
import io.warren.MessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** Takes each message and does nothing: the monitoring test counts its deliveries in Warren's MBeans. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Queues.COUNTED),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "2")})
public class CountedMdb implements MessageListener {

    @Override
    public void onMessage(Message message) {
        message.payload(String.class);
    }
}
