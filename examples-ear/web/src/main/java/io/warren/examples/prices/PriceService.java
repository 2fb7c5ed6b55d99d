package io.warren.examples.prices;

import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.time.Duration;

/** Asks {@link PriceQuoter} for a price and waits for the answer, over RabbitMQ's direct reply-to. */
@Stateless
public class PriceService {

    @Inject
    @PublishTo(routingKey = PriceQuoter.QUEUE)
    Producer prices;

    /**
     * Outside a transaction: inside one the request would only be published at commit, after the
     * wait for its answer, so Warren refuses it.
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public Quote ask(String product) {
        return prices.request(OutgoingMessage.of(product).build(), Duration.ofSeconds(10)).payload(Quote.class);
    }
}
