package io.warren;

import java.util.List;

/**
 * What a message-driven bean implements to take several messages in one container transaction:
 * one call of {@link #onMessages} between one {@code beforeDelivery} and one {@code afterDelivery},
 * so that the container's transaction and invocation work is paid once per batch rather than once
 * per message. The activation property {@code batchSize} (default 1, at most {@code prefetch}) says
 * how many messages a batch holds at most, {@code batchTimeoutMillis} how long a partial batch waits
 * for more before it is delivered as it is (docs/batch.md).
 *
 * <p>What becomes of a batch:
 * <ul>
 *   <li>returning normally (with a transaction: once it commits) acks every message of the batch;</li>
 *   <li>throwing, or a transaction that rolls back, acks none of them: the batch's failure counts as
 *       a failed delivery of each of its messages, and each is then delivered again <em>alone</em>,
 *       in a batch of one and a transaction of its own, so that a poison message is found and
 *       dead-lettered after {@code maxDeliveries} failures of its own, and nothing is dead-lettered
 *       for another message's fault (a message's last delivery is always one alone);</li>
 *   <li>a message that failed before (redelivered with failures counted) is always delivered alone;</li>
 *   <li>the container turning the batch away (not ready, stopping) requeues every message, counting nothing.</li>
 * </ul>
 * A batch holds messages of one consumer's channel only, possibly of several of the MDB's queues
 * ({@link Message#queue()} tells them apart). Batches need {@code ackMode=container} and a queue
 * that is not a stream; a {@code ReplyingListener} takes no batches.
 *
 * <pre>{@code
 * @MessageDriven(activationConfig = {
 *     @ActivationConfigProperty(propertyName = "queue", propertyValue = "orders"),
 *     @ActivationConfigProperty(propertyName = "batchSize", propertyValue = "25"),
 *     @ActivationConfigProperty(propertyName = "batchTimeoutMillis", propertyValue = "20")})
 * public class OrderImporter implements BatchListener {
 *     @PersistenceContext EntityManager orders;
 *     public void onMessages(List<Message> batch) {
 *         for (Message message : batch) {
 *             orders.persist(message.payload(Order.class));
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>Threading: the container calls {@code onMessages} on one thread at a time per bean instance,
 * as it does {@code onMessage}; the list is immutable and valid for the call only.
 */
@FunctionalInterface
public interface BatchListener {

    /**
     * Handles a batch of messages, all or none: return to have all acked, throw to have all given back.
     *
     * @param messages from 1 to {@code batchSize} messages, in the order the broker sent them
     */
    void onMessages(List<Message> messages);
}
