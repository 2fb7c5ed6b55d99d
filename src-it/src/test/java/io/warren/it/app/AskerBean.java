package io.warren.it.app;

import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** An EJB that asks {@link PriceMdb} and waits for the answer. */
@Stateless
public class AskerBean {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    @PublishTo(routingKey = Queues.PRICES)
    Producer prices;

    /** Outside a transaction, as a request must be: the reply, or its error header after a '!'. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public String ask(String product) {
        return describe(prices.request(OutgoingMessage.of(product).build(), TIMEOUT));
    }

    /** The same, asynchronously, waited for here. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public String askAsync(String product) {
        return describe(prices.requestAsync(OutgoingMessage.of(product).build(), TIMEOUT).toCompletableFuture()
                .orTimeout(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS).join());
    }

    /** Inside the container's transaction (REQUIRED): Warren refuses it. */
    public String askInTransaction(String product) {
        return describe(prices.request(OutgoingMessage.of(product).build(), TIMEOUT));
    }

    private static String describe(Message reply) {
        Object error = reply.header("x-error");
        return reply.payload(String.class) + (error == null ? "" : " !" + error);
    }
}
