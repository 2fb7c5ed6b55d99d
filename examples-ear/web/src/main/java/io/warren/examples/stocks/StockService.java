package io.warren.examples.stocks;

import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

import java.util.List;

/** The topic sender: publishes to the topic exchange {@code stocks} with any routing key, as text. */
@Stateless
public class StockService {

    @Inject
    @PublishTo(exchange = "stocks", serializer = "text")
    Producer stocks;

    /** Publishes one message per key; those no binding matches are dropped by the broker. */
    public void publish(List<String> routingKeys) {
        for (String key : routingKeys) {
            stocks.publish("quote for " + key, key);
        }
    }
}
