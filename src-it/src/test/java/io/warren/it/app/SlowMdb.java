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

/** Takes a little time per message, so that an undeploy finds it busy; records each message handled. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Queues.SLOW),
        @ActivationConfigProperty(propertyName = "prefetch", propertyValue = "10"),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "2")})
public class SlowMdb implements MessageListener {

    @Inject
    @PublishTo(routingKey = Queues.SLOW_DONE)
    Producer done;

    @Override
    public void onMessage(Message message) {
        LockSupport.parkNanos(20_000_000L); // simulated work
        done.publish(OutgoingMessage.of(message.payload(String.class)).build());
    }
}
