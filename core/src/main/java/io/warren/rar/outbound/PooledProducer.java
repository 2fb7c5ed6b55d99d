package io.warren.rar.outbound;

import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.ProducerSettings;
import io.warren.PublishException;
import io.warren.RequestTimeoutException;
import io.warren.UnroutableException;
import io.warren.WarrenException;
import io.warren.rar.serialization.Serializers;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A producer that borrows a pooled connection for each publish, so that it is thread-safe and
 * joins whatever transaction the calling thread is in.
 */
final class PooledProducer implements Producer {

    /** A plain request's: its first reply is its last. */
    private static final Predicate<Message> ANY_REPLY = reply -> true;

    private final WarrenConnectionFactory factory;
    private final ProducerSettings settings;
    /**
     * Those of the application that made this producer, held for as long as it holds the producer,
     * so that the adapter's cache, which holds them only weakly, keeps them meanwhile.
     */
    private final Serializers serializers;
    /** Null when the settings have no retry policy. */
    private final RetryingPublish retrying;

    PooledProducer(WarrenConnectionFactory factory, ProducerSettings settings, Serializers serializers,
                   ProducerDeclarations declarations) {
        this.factory = factory;
        this.settings = settings;
        this.serializers = serializers;
        this.retrying = settings.retryPolicy() == null ? null : new RetryingPublish(factory, declarations);
    }

    @Override
    public void publish(Object payload) {
        publish(OutgoingMessage.of(payload).build());
    }

    @Override
    public void publish(Object payload, String routingKey) {
        publish(OutgoingMessage.of(payload).routingKey(routingKey).build());
    }

    @Override
    public void publish(OutgoingMessage message) {
        if (retrying != null) {
            retrying.publish(settings, message,
                    (connection, identified) -> connection.publisher().publish(settings, identified, serializers));
            return;
        }
        try (ConnectionHandle connection = factory.handle()) {
            connection.publisher().publish(settings, message, serializers);
        }
    }

    /** One checkout for the whole batch; no retry, whatever the policy: the exception names what to publish again. */
    @Override
    public void publishAll(List<OutgoingMessage> messages) {
        if (messages == null) {
            throw new WarrenException("publishAll needs a list of messages, not null");
        }
        if (messages.isEmpty()) {
            return;
        }
        try (ConnectionHandle connection = factory.handle()) {
            connection.publisher().publishAll(settings, messages, serializers);
        }
    }

    @Override
    public CompletableFuture<Void> publishConfirmed(Object payload) {
        return publishConfirmed(payload, null);
    }

    @Override
    public CompletableFuture<Void> publishConfirmed(Object payload, String routingKey) {
        OutgoingMessage message;
        try {
            message = OutgoingMessage.of(payload).routingKey(routingKey).build();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new WarrenException("Cannot publish " + payload + ": "
                    + e.getMessage(), e));
        }
        return publishConfirmed(message);
    }

    /**
     * The connection goes back to the pool at once: the channel's pending confirms outlive it.
     * Never throws: whatever goes wrong fails the future, as the caller handles the future only.
     */
    @Override
    public CompletableFuture<Void> publishConfirmed(OutgoingMessage message) {
        if (message == null) {
            return CompletableFuture.failedFuture(new WarrenException("publishConfirmed needs a message, not null"));
        }
        try (ConnectionHandle connection = factory.handle()) {
            return connection.publisher().publishConfirmed(settings, message, serializers);
        } catch (WarrenException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new PublishException("Could not publish to exchange '"
                    + settings.exchange() + "': " + e, e));
        }
    }

    @Override
    public Message request(OutgoingMessage message, Duration timeout) {
        return request(message, timeout, ANY_REPLY);
    }

    @Override
    public Message request(OutgoingMessage message, Duration timeout, Predicate<? super Message> last) {
        CompletableFuture<Message> reply = ask(message, timeout, last, true);
        try {
            // the reply's own timer ends it; this bound only guards against a timer that never ran
            return reply.get(timeout.toNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw anew(e.getCause());
        } catch (TimeoutException e) {
            throw new RequestTimeoutException(settings.exchange(), Publisher.routingKey(settings, message), timeout,
                    "(unknown)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WarrenException("Interrupted while waiting for the reply to a request to exchange '"
                    + settings.exchange() + "'", e);
        }
    }

    /**
     * The failure again, made on the caller's thread for the caller's stack trace: it was made on the
     * thread that ended the request. The original is its cause where the type lets it have one.
     */
    private static RuntimeException anew(Throwable failure) {
        if (failure instanceof RequestTimeoutException timedOut) {
            RequestTimeoutException again = new RequestTimeoutException(timedOut.exchange(), timedOut.routingKey(),
                    timedOut.timeout(), timedOut.correlationId());
            again.initCause(timedOut);
            return again;
        }
        if (failure instanceof UnroutableException returned) {
            // its constructor fixes its cause (none): the original is only in the future
            return new UnroutableException(returned.replyCode(), returned.replyText(), returned.exchange(),
                    returned.routingKey());
        }
        if (failure.getClass() == WarrenException.class) {
            return new WarrenException(failure.getMessage(), failure);
        }
        if (failure.getClass() == PublishException.class) {
            return new PublishException(failure.getMessage(), failure);
        }
        return failure instanceof RuntimeException runtime ? runtime
                : new WarrenException("The request failed: " + failure, failure);
    }

    @Override
    public CompletionStage<Message> requestAsync(OutgoingMessage message, Duration timeout) {
        return requestAsync(message, timeout, ANY_REPLY);
    }

    @Override
    public CompletionStage<Message> requestAsync(OutgoingMessage message, Duration timeout,
                                                 Predicate<? super Message> last) {
        return ask(message, timeout, last, false).minimalCompletionStage();
    }

    /**
     * Never throws: every failure, bad arguments too, fails the future.
     *
     * @param waitedOn whether the caller waits on the future and shows it to no one
     */
    private CompletableFuture<Message> ask(OutgoingMessage message, Duration timeout, Predicate<? super Message> last,
                                           boolean waitedOn) {
        if (message == null) {
            return CompletableFuture.failedFuture(new WarrenException("A request needs a message, not null"));
        }
        if (last == null) {
            return CompletableFuture.failedFuture(new WarrenException("A request's test of its last reply must not be "
                    + "null; the request without one takes the first reply"));
        }
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            return CompletableFuture.failedFuture(new WarrenException("A request's timeout must be positive, not "
                    + timeout));
        }
        String routingKey = Publisher.routingKey(settings, message);
        try {
            Boolean inTransaction = factory.callerTransaction();
            if (Boolean.TRUE.equals(inTransaction)) {
                return refusedInTransaction(routingKey);
            }
            boolean declares = !settings.declaredExchanges().isEmpty() || !settings.declaredQueues().isEmpty();
            Credentials signOn = factory.knownSignOn();
            if (inTransaction == null || declares || signOn == null) {
                // the container enlists what it hands out in the caller's transaction: where no registry tells,
                // a borrowed handle does; it also declares what the settings declare, and tells as whom the
                // container signs on, which the request goes out as. Otherwise no pooled channel is taken: a
                // request goes out on the factory's reply channel
                try (ConnectionHandle connection = factory.handle()) {
                    if (connection.inTransaction()) {
                        return refusedInTransaction(routingKey);
                    }
                    connection.publisher().declareFor(settings);
                    signOn = connection.credentials();
                }
            }
            OutgoingProperties.Wire wire = Publisher.request(settings, message, serializers, factory.tracing());
            return factory.replies(signOn).request(settings.exchange(), routingKey, settings.mandatory(), wire.properties(),
                    wire.body(), timeout, new PendingRequests.Expectation(serializers, last, waitedOn));
        } catch (WarrenException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new PublishException("Could not send a request to exchange '"
                    + settings.exchange() + "' with routing key '" + routingKey + "': " + e, e));
        }
    }

    private CompletableFuture<Message> refusedInTransaction(String routingKey) {
        return CompletableFuture.failedFuture(new WarrenException("A request to exchange '" + settings.exchange()
                + "' with routing key '" + routingKey + "' cannot be sent inside a JTA transaction: its publish would "
                + "reach the broker only at commit, after the wait for its reply. Ask outside the transaction (a "
                + "NOT_SUPPORTED or REQUIRES_NEW method), or publish it and handle the reply asynchronously"));
    }

    @Override
    public ProducerSettings settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "Producer" + settings;
    }
}
