package io.warren.it.app;

import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.ReplyingListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** Answers each request on {@link Queues#PRICES}; a request for "nothing" gets an error reply. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Queues.PRICES),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "2")})
public class PriceMdb implements ReplyingListener {

    @Override
    public OutgoingMessage onRequest(Message request) {
        String product = request.payload(String.class);
        if (product.equals("nothing")) {
            return OutgoingMessage.of("no price for nothing").header("x-error", "unknown-product").build();
        }
        return OutgoingMessage.of("price of " + product + " from " + request.queue()).build();
    }
}
