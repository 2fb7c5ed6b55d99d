package io.warren.examples.orders;

import io.warren.Message;
import io.warren.MessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.util.Map;
import java.util.logging.Logger;

/**
 * A quorum queue with delayed retries: an order that fails comes back after 1 s, then 2 s, 4 s,
 * waiting in retry queues on the broker (docs/redelivery.md), and is dead-lettered at its 4th failure.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = "orders"),
        @ActivationConfigProperty(propertyName = "queueType", propertyValue = "quorum"),
        @ActivationConfigProperty(propertyName = "maxDeliveries", propertyValue = "4"),
        @ActivationConfigProperty(propertyName = "redeliveryDelayMillis", propertyValue = "1000"),
        @ActivationConfigProperty(propertyName = "maxRedeliveryDelayMillis", propertyValue = "4000")})
public class OrderHandler implements MessageListener {

    private static final Logger LOG = Logger.getLogger(OrderHandler.class.getName());

    @Override
    public void onMessage(Message message) {
        Map<?, ?> order = message.payload(Map.class);
        if (Boolean.TRUE.equals(order.get("fail"))) {
            throw new IllegalStateException("order " + order.get("id") + " cannot be handled now");
        }
        LOG.info("Handled order " + order.get("id"));
    }
}
