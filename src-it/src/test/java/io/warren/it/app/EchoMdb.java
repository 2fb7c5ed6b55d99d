package io.warren.it.app;

import io.warren.Message;
import io.warren.MessageListener;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;

/** Receives from {@link Queues#IN} and republishes, inside its transaction, to {@link Queues#OUT}. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Queues.IN),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "2")})
public class EchoMdb implements MessageListener {

    @Inject
    @PublishTo(routingKey = Queues.OUT)
    Producer out;

    @Override
    public void onMessage(Message message) {
        out.publish(OutgoingMessage.of(message.payload(String.class))
                .header("received-from", message.queue())
                .header("redelivered", message.redelivered()).build());
    }
}
