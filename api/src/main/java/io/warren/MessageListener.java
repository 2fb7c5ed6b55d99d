package io.warren;

/**
 * What a message-driven bean implements to consume queues through Warren. The MDB's activation
 * config names the queues (see the README's activation property table). With container-managed
 * acknowledgement (the default), returning normally acks the message once the MDB's transaction
 * commits; throwing, or a transaction that rolls back, gives it back for another delivery until
 * {@code maxDeliveries}, after which it is dead-lettered with the failure in its headers.
 *
 * <pre>{@code
 * @MessageDriven(activationConfig = {
 *     @ActivationConfigProperty(propertyName = "queue", propertyValue = "feed"),
 *     @ActivationConfigProperty(propertyName = "exchange", propertyValue = "feed"),
 *     @ActivationConfigProperty(propertyName = "routingKeys", propertyValue = "importer")})
 * public class FeedImporter implements MessageListener {
 *     public void onMessage(Message message) {
 *         FeedRequest request = message.payload(FeedRequest.class);
 *         ...
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface MessageListener {

    /**
     * Handles one message.
     *
     * @param message the message; with {@code ackMode=manual} the listener settles it itself
     */
    void onMessage(Message message);
}
