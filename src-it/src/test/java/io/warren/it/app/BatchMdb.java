package io.warren.it.app;

import io.warren.BatchListener;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Takes up to five messages per transaction (REQUIRED) and reports each message of a batch on
 * {@link Queues#BATCH_DONE} with the batch's size, inside the transaction: only committed batches
 * are reported. A batch of several holding a {@code rollback-} message is marked rollback-only (alone,
 * such a message commits); a {@code poison} message throws every time.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Queues.BATCH),
        @ActivationConfigProperty(propertyName = "batchSize", propertyValue = "5"),
        @ActivationConfigProperty(propertyName = "batchTimeoutMillis", propertyValue = "2000"),
        @ActivationConfigProperty(propertyName = "maxDeliveries", propertyValue = "3"),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "1")})
public class BatchMdb implements BatchListener {

    @Resource
    MessageDrivenContext context;

    @Inject
    @PublishTo(routingKey = Queues.BATCH_DONE)
    Producer done;

    @Override
    public void onMessages(List<Message> messages) {
        for (Message message : messages) {
            String text = message.payload(String.class);
            if (text.startsWith("poison")) {
                throw new IllegalStateException("cannot handle " + text);
            }
            done.publish(OutgoingMessage.of(text).header("batch-size", messages.size()).build());
            if (text.startsWith("rollback-") && messages.size() > 1) {
                context.setRollbackOnly();
            }
        }
    }
}
