package io.warren;

/**
 * What a message-driven bean implements to answer requests (see
 * {@link Producer#request(OutgoingMessage, java.time.Duration)}): the message it returns is
 * published to the request's {@code replyTo} with the request's {@code correlationId}, when the
 * delivery's transaction commits, just before the request is acked; never when it rolls back or
 * the method throws, in which case the request goes back to its queue (or is dead-lettered after
 * {@code maxDeliveries}) as with a {@link MessageListener}. A request without {@code replyTo} is
 * handled as an ordinary message: the method runs and what it returns is dropped. Returning null
 * sends no reply.
 *
 * <p>To answer a failure instead of retrying it, catch it and return an error reply, for example
 * with a header the asker checks:
 *
 * <pre>{@code
 * @MessageDriven(activationConfig = {
 *     @ActivationConfigProperty(propertyName = "queue", propertyValue = "prices")})
 * public class PriceService implements ReplyingListener {
 *     public OutgoingMessage onRequest(Message request) {
 *         try {
 *             return OutgoingMessage.of(prices.quote(request.payload(Quote.class))).build();
 *         } catch (UnknownProductException e) {
 *             return OutgoingMessage.of(Map.of("error", e.getMessage())).header("x-error", "unknown-product").build();
 *         }
 *     }
 * }
 * }</pre>
 *
 * The reply is encoded with its own serializer, or JSON; it goes to the request's {@code replyTo}
 * through the default exchange, with the request's {@code correlationId}, whatever the returned
 * message sets. Publishing the reply and acking the request are two
 * steps on the consumer's channel: if the connection drops between them the request is delivered
 * again and answered twice, and the asker drops the second reply as one it no longer waits for.
 */
@FunctionalInterface
public interface ReplyingListener {

    /**
     * Handles one request.
     *
     * @param request the request
     * @return the reply, or null for none
     */
    OutgoingMessage onRequest(Message request);
}
