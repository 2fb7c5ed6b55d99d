package io.warren.it.app;

import io.warren.Message;
import io.warren.MessageListener;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;

import java.util.concurrent.locks.LockSupport;

/**
 * Holds the first delivery of a message whose text starts with "hold" for three seconds, past a
 * consumer timeout a test sets on the broker, then reports each message it handled.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Queues.HOLD),
        @ActivationConfigProperty(propertyName = "prefetch", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "2")})
public class HoldingMdb implements MessageListener {

    @Inject
    @PublishTo(routingKey = Queues.HOLD_DONE)
    Producer done;

    @Override
    public void onMessage(Message message) {
        String text = message.payload(String.class);
        if (text.startsWith("hold") && !message.redelivered()) {
            // the broker closes this channel meanwhile. A loop: parkNanos returns at once on a permit an
            // earlier unpark left to the pooled thread (seen in Open Liberty), and the message was then acked
            long until = System.nanoTime() + 3_000_000_000L;
            for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            return;
        }
        done.publish(OutgoingMessage.of(text).header("redelivered", message.redelivered()).build());
    }
}
