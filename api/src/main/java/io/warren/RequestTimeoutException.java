package io.warren;

import java.time.Duration;

/**
 * No reply came to a request within its timeout. The request may or may not have been handled: a
 * reply that comes later matches no waiting request, and is logged once and dropped.
 */
public class RequestTimeoutException extends WarrenException {

    /** The exchange the request was published to. */
    private final String exchange;
    /** The request's routing key. */
    private final String routingKey;
    /** How long the request waited. */
    private final Duration timeout;
    /** The request's correlation id. */
    private final String correlationId;

    /**
     * @param exchange the exchange the request was published to
     * @param routingKey its routing key
     * @param timeout how long it waited for a reply
     * @param correlationId the request's correlation id
     */
    public RequestTimeoutException(String exchange, String routingKey, Duration timeout, String correlationId) {
        super("No reply within " + timeout + " to a request published to exchange '" + exchange
                + "' with routing key '" + routingKey + "' (correlation id '" + correlationId + "'); it may or may "
                + "not have been handled: is a consumer answering on that queue, and does it set the correlation id?");
        this.exchange = exchange;
        this.routingKey = routingKey;
        this.timeout = timeout;
        this.correlationId = correlationId;
    }

    /** @return the exchange the request was published to; empty for the default exchange */
    public String exchange() {
        return exchange;
    }

    /** @return the request's routing key */
    public String routingKey() {
        return routingKey;
    }

    /** @return how long the request waited for a reply */
    public Duration timeout() {
        return timeout;
    }

    /** @return the request's correlation id, by which a late reply is logged */
    public String correlationId() {
        return correlationId;
    }
}
