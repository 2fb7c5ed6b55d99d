package io.warren;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * Publishes to one exchange with a default routing key and serializer. Thread-safe: each publish
 * borrows a pooled channel from the container and gives it back, and inside a JTA transaction
 * joins it, so that nothing reaches the broker unless the transaction commits.
 *
 * <pre>{@code
 * Producer feed = factory.producer(Producer.to("feed").routingKey("importer").build());
 * feed.publish(Map.of("import_feed", url));
 * }</pre>
 */
public interface Producer {

    /** How long an asynchronous confirm may take when the producer sets no confirm timeout. */
    Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Publishes the payload with the default routing key.
     *
     * @param payload what to publish, encoded by the producer's serializer
     */
    void publish(Object payload);

    /**
     * Publishes the payload with that routing key.
     *
     * @param payload what to publish, encoded by the producer's serializer
     * @param routingKey the routing key for this message
     */
    void publish(Object payload, String routingKey);

    /**
     * Publishes a message with its own properties and headers; with confirms, returns once the
     * broker has it.
     *
     * @param message the message, with its own properties and headers
     * @throws EncodeException when the payload or a header does not encode; nothing is sent
     * @throws PublishException when the broker blocks publishers (a memory or disk alarm) for longer
     *     than {@code publishBlockedTimeoutMillis}, naming its reason; when it nacks the message or
     *     does not confirm it in time; or when the channel closes first
     * @throws UnroutableException when the producer is mandatory and no queue received the message
     * @throws WarrenException when the producer is mandatory and the caller is in a transaction: the
     *     return could only be reported by failing a commit the broker made; use
     *     {@link #publishConfirmed(OutgoingMessage)}, whose future reports it
     * @throws DeclarationException when an entity the producer {@link ProducerSettings.Builder#declare(Exchange...)
     *     declares} is refused by the broker; nothing is sent
     * @see ProducerSettings.Builder#retry(RetryPolicy) publishing again after a failure
     */
    void publish(OutgoingMessage message);

    /**
     * Publishes the messages in order with one pooled channel, borrowed once for all of them: what
     * a loop of {@link #publish(OutgoingMessage)} does, without a pool checkout and, with confirms,
     * a wait for the broker per message. Every message is encoded before any is sent.
     *
     * <ul>
     * <li><b>Confirms</b> (a producer with {@link ProducerSettings.Builder#confirms confirms} or
     *     {@link ProducerSettings.Builder#mandatory mandatory}): one wait for the whole batch, within the
     *     confirm timeout counted from the last message sent; returns once the broker has confirmed
     *     every message.</li>
     * <li><b>In a JTA transaction</b> every message follows the transaction: none reaches a queue
     *     unless it commits, and the commit is the confirm. A mandatory producer is refused there, as
     *     by {@link #publish(OutgoingMessage)}.</li>
     * <li><b>Without confirms</b> it returns once every message is handed to the broker connection,
     *     as {@code publish} does.</li>
     * </ul>
     *
     * <p>It tries once, whatever the producer's {@link ProducerSettings#retryPolicy() retry policy}: the
     * exception names the messages to publish again. The channel's order is the list's, but a
     * message that fails does not stop the broker taking the later ones.
     *
     * @param messages the messages, each with its own properties, headers and routing key
     * @throws EncodeException when a payload or header does not encode, naming the message's index;
     *     nothing is sent
     * @throws BatchPublishException when any message is not known to have reached the broker: it
     *     names each such message by its index, with its own failure (returned, nacked, not
     *     confirmed in time, channel or connection closed, never sent because the broker blocked
     *     publishers for longer than {@code publishBlockedTimeoutMillis} or the channel closed
     *     first); every message it does not name was published
     * @throws WarrenException when the producer is mandatory and the caller is in a transaction, or
     *     when no pooled channel is to be had; nothing is sent
     * @throws DeclarationException when an entity the producer declares is refused; nothing is sent
     */
    void publishAll(List<OutgoingMessage> messages);

    /**
     * Publishes the payload with the default routing key, without waiting for the broker's
     * confirm: see {@link #publishConfirmed(OutgoingMessage)}.
     *
     * @param payload what to publish, encoded by the producer's serializer
     * @return a future that completes when the broker has taken responsibility for the message
     */
    CompletableFuture<Void> publishConfirmed(Object payload);

    /**
     * Publishes the payload with that routing key, without waiting for the broker's confirm: see
     * {@link #publishConfirmed(OutgoingMessage)}.
     *
     * @param payload what to publish, encoded by the producer's serializer
     * @param routingKey the routing key for this message
     * @return a future that completes when the broker has taken responsibility for the message
     */
    CompletableFuture<Void> publishConfirmed(Object payload, String routingKey);

    /**
     * Publishes the message with publisher confirms and returns at once, whether or not this
     * producer was built with {@link ProducerSettings.Builder#confirms confirms}; the pooled channel goes
     * back to the pool before the broker answers, so that many messages can be in flight. Keep
     * their number bounded (a window of a few hundred per thread, say), as the broker's own
     * flow control does not reach an application that never waits.
     *
     * <p>The future completes when the broker confirms the message, and exceptionally with:
     * <ul>
     * <li>{@link UnroutableException} when the producer is {@link ProducerSettings#mandatory() mandatory}
     *     and no queue received the message;</li>
     * <li>{@link PublishException} when the broker nacks it, when no confirm comes within the
     *     producer's confirm timeout ({@link #DEFAULT_CONFIRM_TIMEOUT} when it sets none), or when
     *     the channel or connection closes first; the message may or may not have been routed;</li>
     * <li>{@link PublishException} naming the broker's reason when the broker blocks publishers (a
     *     memory or disk alarm) for longer than the connection's {@code publishBlockedTimeoutMillis};</li>
     * <li>{@link EncodeException} when the payload or a header does not encode;</li>
     * <li>{@link WarrenException} when no pooled channel is to be had.</li>
     * </ul>
     * This method itself never throws: every failure is reported through the future. It tries
     * once, whatever the producer's {@link ProducerSettings#retryPolicy() retry policy}: the future hands
     * the failure to the caller, who decides.
     *
     * <p>Inside a JTA transaction the message reaches the broker when the transaction commits, and
     * the commit is the confirm: the future completes once the transaction commits, and fails with
     * a {@link PublishException} when it rolls back. A mandatory message the broker returns fails
     * its own future with an {@link UnroutableException}, not the commit: once the broker has
     * committed, the commit succeeds. (A mandatory {@link #publish(OutgoingMessage)} inside a
     * transaction is refused with a {@link WarrenException}, as it has no future to report a
     * return through.)
     *
     * <p>A mandatory message carries the header {@code x-warren-publish-id}, a number unique on
     * its channel, by which the broker's return finds its future.
     *
     * <p>Futures complete on the resource adapter's own threads ({@code warren-completions <connectionName>-N},
     * a few per adapter), never on the AMQP client's connection thread nor the JDK's common pool,
     * and outside any container context: stages that block or need the application's context
     * should run on a managed executor ({@code whenCompleteAsync(action, managedExecutor)}), as a
     * stage that blocks there delays the confirms of every application on the adapter.
     *
     * <pre>{@code
     * producer.publishConfirmed(order).whenComplete((ok, error) -> {
     *     if (error != null) {
     *         retryLater(order, error);
     *     }
     * });
     * }</pre>
     *
     * @param message the message, with its own properties and headers
     * @return a future that completes when the broker has taken responsibility for the message
     */
    CompletableFuture<Void> publishConfirmed(OutgoingMessage message);

    /**
     * Publishes a request and waits for its reply: see {@link #requestAsync(OutgoingMessage, Duration)},
     * which says how requests are sent and answered.
     *
     * @param message the request; its correlation id is generated unless it sets one
     * @param timeout how long to wait for the reply; positive
     * @return the reply
     * @throws RequestTimeoutException naming the exchange, routing key and timeout when no reply comes in time
     * @throws UnroutableException when the producer is mandatory and no queue received the request
     * @throws WarrenException when called inside a JTA transaction, when the broker cannot be
     *     reached, or when the connection is lost while the request waits
     */
    Message request(OutgoingMessage message, Duration timeout);

    /**
     * Publishes a request and returns at once a stage that completes with its reply. The request
     * goes out with {@code replyTo} set to RabbitMQ's direct reply-to ({@code amq.rabbitmq.reply-to}),
     * or to the connection factory's {@code replyQueue} when it names one, and with a correlation
     * id Warren generates unless the message sets one; the reply is the first message to arrive
     * there with that correlation id. A reply that matches no waiting request (it came after the
     * timeout, or twice) is logged once per connection factory and dropped.
     *
     * <p>Waiting holds no pooled channel: each connection factory has one reply consumer on its
     * broker connection, shared by every request in flight, which also publishes the requests (direct
     * reply-to needs the request and its reply consumer on one channel). Thousands of requests may
     * wait at once. Replies complete their stages on the adapter's own threads
     * ({@code warren-completions}), never the caller's nor the AMQP client's; see
     * {@link #publishConfirmed(OutgoingMessage)} for what that means for stages that block.
     *
     * <p>The stage fails with:
     * <ul>
     * <li>{@link RequestTimeoutException} when no reply comes within the timeout;</li>
     * <li>{@link UnroutableException} at once when the producer is {@link ProducerSettings#mandatory() mandatory}
     *     and no queue received the request;</li>
     * <li>{@link WarrenException} at once when the broker connection is lost while the request waits
     *     (with direct reply-to its reply could never arrive: the reply address belonged to the
     *     lost channel; with a named {@code replyQueue} the request waits on, until its timeout,
     *     for the consumer to come back), or when the broker cannot be reached;</li>
     * <li>{@link WarrenException} when called inside a JTA transaction: there the request would
     *     reach the broker only when the transaction commits, after the caller had waited for a
     *     reply to it. Ask outside the transaction (a {@code NOT_SUPPORTED} or
     *     {@code REQUIRES_NEW} method), or publish with {@link #publish(OutgoingMessage)} and
     *     answer asynchronously;</li>
     * <li>{@link EncodeException} when the payload or a header does not encode.</li>
     * </ul>
     *
     * <pre>{@code
     * Producer prices = factory.producer(Producer.to("").routingKey("prices").build());
     * Message reply = prices.request(OutgoingMessage.of(new Quote("tea", 3)).build(), Duration.ofSeconds(5));
     * Price price = reply.payload(Price.class);
     * }</pre>
     *
     * @param message the request; its correlation id is generated unless it sets one, and its
     *     {@code replyTo} is set by Warren
     * @param timeout how long to wait for the reply; positive
     * @return a stage that completes with the reply
     */
    CompletionStage<Message> requestAsync(OutgoingMessage message, Duration timeout);

    /**
     * {@link #request(OutgoingMessage, Duration)} for a responder that may answer with interim
     * replies before its last one, as Celery's {@code rpc://} backend sends a task's STARTED and
     * RETRY states before its result: see {@link #requestAsync(OutgoingMessage, Duration, Predicate)}.
     *
     * @param message the request; its correlation id is generated unless it sets one
     * @param timeout how long to wait for the last reply; positive
     * @param last says whether a reply is the last one; the others are passed over
     * @return the last reply
     * @throws RequestTimeoutException when no last reply comes in time, interim ones or not
     */
    Message request(OutgoingMessage message, Duration timeout, Predicate<? super Message> last);

    /**
     * {@link #requestAsync(OutgoingMessage, Duration)} for a responder that may answer with interim
     * replies before its last one: a reply with the request's correlation id that {@code last} does
     * not accept is passed over (logged at FINE) and the request waits on, within the same timeout,
     * for the next one. The predicate runs on the AMQP client's thread that brings each reply: keep
     * it quick; if it throws, the stage fails with what it threw.
     *
     * @param message the request; its correlation id is generated unless it sets one
     * @param timeout how long to wait for the last reply; positive
     * @param last says whether a reply is the last one; the others are passed over
     * @return a stage that completes with the last reply
     */
    CompletionStage<Message> requestAsync(OutgoingMessage message, Duration timeout, Predicate<? super Message> last);

    /** @return what this producer was made with */
    ProducerSettings settings();

    /**
     * @param exchange the exchange's name; {@code ""} for the default exchange
     * @return a builder of settings for a producer to that exchange ({@code ""} for the default exchange)
     */
    static ProducerSettings.Builder to(String exchange) {
        return new ProducerSettings.Builder(exchange);
    }
}
