package io.warren.rar.outbound;

import com.rabbitmq.client.ChannelContinuationTimeoutException;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.DeclarationException;
import io.warren.EncodeException;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.ProducerSettings;
import io.warren.PublishException;
import io.warren.RetryPolicy;
import io.warren.UnroutableException;
import io.warren.WarrenException;
import jakarta.resource.ResourceException;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A publish tried again within a {@link RetryPolicy}, as kombu's {@code publish(retry=True)}: each
 * try borrows a pooled channel of its own (the container discards one that broke, and the next
 * managed connection connects again where the broker connection is gone), every try carries the
 * same message id, and the caller's thread waits no longer than the policy's intervals between
 * tries. Inside a JTA transaction it tries once: the publish is the transaction's, and only the
 * transaction decides what becomes of it.
 */
final class RetryingPublish {

    private static final Logger LOG = Logger.getLogger(RetryingPublish.class.getName());

    /** What one try does on the handle it borrowed. */
    interface Attempt {
        void publish(ConnectionHandle connection, OutgoingMessage message);
    }

    private final WarrenConnectionFactory factory;
    private final ProducerDeclarations declarations;

    RetryingPublish(WarrenConnectionFactory factory, ProducerDeclarations declarations) {
        this.factory = factory;
        this.declarations = declarations;
    }

    void publish(ProducerSettings settings, OutgoingMessage message, Attempt attempt) {
        RetryPolicy policy = settings.retryPolicy();
        OutgoingMessage identified = message.messageId() != null ? message
                : message.withMessageId(UUID.randomUUID().toString());
        boolean callerInTransaction = factory.callerInTransaction();
        for (int tries = 1; ; tries++) {
            boolean transactional = callerInTransaction;
            RuntimeException failure;
            try (ConnectionHandle connection = factory.handle()) {
                transactional |= connection.inTransaction();
                attempt.publish(connection, identified);
                return;
            } catch (RuntimeException e) {
                failure = e;
            }
            if (transactional || !retryable(failure)) {
                throw failure;
            }
            if (tries > policy.maxRetries()) {
                throw new PublishException("Gave up publishing message " + identified.messageId() + " to exchange '"
                        + settings.exchange() + "' after " + tries + (tries == 1 ? " try" : " tries")
                        + " (retry policy: at most " + policy.maxRetries() + " retries); the last failed: "
                        + failure.getMessage(), failure);
            }
            // a publish that failed may have failed for an entity deleted under a connection that stayed up
            declarations.forget(settings);
            Duration wait = policy.interval(tries);
            LOG.log(Level.FINE, "Publishing message {0} to exchange ''{1}'' failed ({2}); retry {3} of {4} in {5} ms",
                    new Object[] {identified.messageId(), settings.exchange(), failure.getMessage(), tries,
                            policy.maxRetries(), wait.toMillis()});
            if (!pause(wait)) {
                throw new PublishException("Interrupted before retry " + tries + " of message " + identified.messageId()
                        + " to exchange '" + settings.exchange() + "'; the last failure: " + failure.getMessage(),
                        failure);
            }
        }
    }

    /**
     * @return whether another try could succeed where this one failed: the broker, the connection or
     *     the channel failed (a nack, no confirm, a close, no connection to be had), not the message
     *     nor the application's declarations
     */
    static boolean retryable(RuntimeException failure) {
        if (failure instanceof EncodeException || failure instanceof UnroutableException
                || failure instanceof DeclarationException) {
            return false;
        }
        if (failure instanceof PublishException) {
            return true;
        }
        Throwable cause = failure.getCause();
        return failure instanceof WarrenException && (cause instanceof IOException
                || cause instanceof ShutdownSignalException || cause instanceof ChannelContinuationTimeoutException
                || cause instanceof ResourceException);
    }

    /** @return false when interrupted, with the thread's interrupt flag set again */
    private static boolean pause(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (long left = wait.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !Thread.currentThread().isInterrupted();
    }
}
