package io.warren.examples.prices;

import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.ReplyingListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.util.Map;
import java.util.logging.Logger;

/**
 * Answers price requests on the queue {@code prices}: what it returns is published to the request's
 * replyTo with its correlation id when its transaction commits (docs/rpc.md). An unknown product
 * gets an error reply rather than a failure, which would only bring the request back.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = PriceQuoter.QUEUE)})
public class PriceQuoter implements ReplyingListener {

    static final String QUEUE = "prices";

    private static final Logger LOG = Logger.getLogger(PriceQuoter.class.getName());
    private static final Map<String, Double> PRICES = Map.of("tea", 3.5, "milk", 1.2, "bread", 2.8);

    @Override
    public OutgoingMessage onRequest(Message request) {
        String product = request.payload(String.class);
        Double price = PRICES.get(product);
        LOG.info("Answered price request for " + product + (price == null ? ": unknown" : ": " + price));
        return OutgoingMessage.of(price == null ? new Quote(product, 0, "unknown product " + product)
                : new Quote(product, price, null)).build();
    }
}
