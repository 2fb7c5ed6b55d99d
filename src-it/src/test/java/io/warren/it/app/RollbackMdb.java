package io.warren.it.app;

import io.warren.Message;
import io.warren.MessageListener;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import jakarta.inject.Inject;

/**
 * Marks its transaction rollback-only on a first delivery, after publishing (which the rollback
 * discards); on the redelivery it lets the transaction commit.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Queues.ROLLBACK),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "1")})
public class RollbackMdb implements MessageListener {

    @Resource
    MessageDrivenContext context;

    @Inject
    @PublishTo(routingKey = Queues.OUT)
    Producer out;

    @Override
    public void onMessage(Message message) {
        out.publish(OutgoingMessage.of(message.payload(String.class))
                .header("received-from", message.queue())
                .header("redelivered", message.redelivered()).build());
        if (!message.redelivered()) {
            context.setRollbackOnly();
        }
    }
}
