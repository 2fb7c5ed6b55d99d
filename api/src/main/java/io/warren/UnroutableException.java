package io.warren;

/** A mandatory publish that no queue was bound to receive: the broker returned it. */
public class UnroutableException extends PublishException {

    /** The broker's reply code. */
    private final int replyCode;
    /** The broker's reply text. */
    private final String replyText;
    /** The exchange the message was published to. */
    private final String exchange;
    /** The message's routing key. */
    private final String routingKey;

    /**
     * @param replyCode the broker's reply code, 312 (NO_ROUTE) for an unroutable message
     * @param replyText the broker's reply text
     * @param exchange the exchange it was published to
     * @param routingKey its routing key
     */
    public UnroutableException(int replyCode, String replyText, String exchange, String routingKey) {
        super("The broker returned a mandatory message published to exchange '" + exchange
                + "' with routing key '" + routingKey + "': " + replyCode + " " + replyText
                + " (no queue is bound to receive it)", null);
        this.replyCode = replyCode;
        this.replyText = replyText;
        this.exchange = exchange;
        this.routingKey = routingKey;
    }

    /** @return the broker's reply code, 312 (NO_ROUTE) for an unroutable message */
    public int replyCode() {
        return replyCode;
    }

    /** @return the broker's reply text, e.g. {@code NO_ROUTE} */
    public String replyText() {
        return replyText;
    }

    /** @return the exchange the message was published to */
    public String exchange() {
        return exchange;
    }

    /** @return the message's routing key */
    public String routingKey() {
        return routingKey;
    }
}
