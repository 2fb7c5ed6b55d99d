package io.warren.it.app;

import io.warren.Message;
import io.warren.MessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.util.concurrent.locks.LockSupport;

/** Takes each message, a little work and nothing published: its consumer only ever acks. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Queues.SINK),
        @ActivationConfigProperty(propertyName = "prefetch", propertyValue = "10"),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "1")})
public class SinkMdb implements MessageListener {

    @Override
    public void onMessage(Message message) {
        LockSupport.parkNanos(20_000_000L); // simulated work, so that the queue drains over seconds
    }
}
