package io.warren.test.kit;

import io.warren.Message;
import io.warren.MessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.util.Map;
import java.util.function.Consumer;

/** An MDB as an application writes it: it hands each order to a service the server would inject. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = "kit-orders"),
        @ActivationConfigProperty(propertyName = "exchange", propertyValue = "kit-shop"),
        @ActivationConfigProperty(propertyName = "routingKeys", propertyValue = "order"),
        @ActivationConfigProperty(propertyName = "maxDeliveries", propertyValue = "3")})
public class OrderListener implements MessageListener {

    private final Consumer<Map<?, ?>> orders;

    public OrderListener(Consumer<Map<?, ?>> orders) {
        this.orders = orders;
    }

    @Override
    public void onMessage(Message message) {
        orders.accept(message.payload(Map.class));
    }
}
