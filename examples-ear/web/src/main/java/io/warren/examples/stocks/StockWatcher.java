package io.warren.examples.stocks;

import io.warren.Message;
import io.warren.MessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.util.logging.Logger;

/** Topic routing: an MDB whose queue {@code stock-watch} is bound to the topic exchange {@code stocks} with {@code *.stock.#}. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = "stock-watch"),
        @ActivationConfigProperty(propertyName = "exchange", propertyValue = "stocks"),
        @ActivationConfigProperty(propertyName = "exchangeType", propertyValue = "topic"),
        @ActivationConfigProperty(propertyName = "routingKeys", propertyValue = "*.stock.#")})
public class StockWatcher implements MessageListener {

    private static final Logger LOG = Logger.getLogger(StockWatcher.class.getName());

    @Override
    public void onMessage(Message message) {
        LOG.info("Got stocks message with routing key " + message.routingKey() + ": " + message.payload(String.class));
    }
}
