package io.warren.rar.inbound;

import io.warren.BatchListener;
import io.warren.Message;
import io.warren.MessageListener;
import io.warren.OutgoingMessage;
import io.warren.ReplyingListener;
import io.warren.rar.messages.ReceivedMessage;
import io.warren.rar.metrics.ActivationMetrics;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.lang.reflect.Method;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A consumer's message endpoint and the one place that runs a delivery through it:
 * beforeDelivery, onMessage (a batch: one onMessages call, never several onMessage calls in one
 * pair, which Payara does not honour: docs/batch.md), afterDelivery, always paired, with the delivery's transaction bound
 * to its outcome. The endpoint is made on first use, never at activation, where
 * {@code createEndpoint} may block until the MDB is deployed; it is released with the consumer.
 * Used by one consumer's Work at a time; the outcome of a transaction may reach the delivery's
 * {@link InFlight} on another thread.
 *
 * <p>How a transacted delivery (the MDB's REQUIRED) is tied to the container's transaction:
 * where the bootstrap context offers a {@link TransactionSynchronizationRegistry} (every Jakarta EE
 * server), the endpoint is made without an XAResource and each delivery registers a
 * {@link DeliverySynchronization} once beforeDelivery has begun the transaction: the ack follows the
 * commit of every resource, and a database alone in the transaction commits in one phase. Without a
 * registry (a container-free harness), the endpoint is made with a {@link DeliveryTransaction}, an
 * XAResource that the container enlists in each delivery's transaction. A transacted delivery
 * that finds no transaction after beforeDelivery is settled when afterDelivery returns, as a
 * delivery that is not transacted; one that finds its transaction no longer active (marked
 * rollback-only, or already rolled back by a timeout) is given back. See docs/transactions.md.
 */
final class ConsumerEndpoint {

    private static final Logger LOG = Logger.getLogger(ConsumerEndpoint.class.getName());
    static final Method ON_MESSAGE;
    static final Method ON_REQUEST;
    static final Method ON_MESSAGES;

    static {
        try {
            ON_MESSAGE = MessageListener.class.getMethod("onMessage", Message.class);
            ON_REQUEST = ReplyingListener.class.getMethod("onRequest", Message.class);
            ON_MESSAGES = BatchListener.class.getMethod("onMessages", List.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MessageEndpointFactory factory;
    /** The container's, or null: then {@link #transaction} is given to the container as an XAResource. */
    private final TransactionSynchronizationRegistry registry;
    private final DeliveryTransaction transaction;
    private final ActivationMetrics metrics;
    private final String description;
    /** The MDB class's loader: which application's OpenTelemetry records the delivery's span. */
    private final ClassLoader applicationLoader;
    private MessageEndpoint endpoint;
    private Boolean transacted;
    private boolean warnedNoTransaction;
    private boolean warnedNoReplyTo;

    /** @param description the MDB and its queues, for the log */
    ConsumerEndpoint(MessageEndpointFactory factory, TransactionSynchronizationRegistry registry,
                     ActivationMetrics metrics, String description) {
        this.factory = factory;
        this.registry = registry;
        this.transaction = registry == null ? new DeliveryTransaction() : null;
        this.metrics = metrics;
        this.description = description;
        Class<?> bean = Endpoints.beanClass(factory);
        this.applicationLoader = bean == null ? null : bean.getClassLoader();
    }

    /** @return the MDB class's class loader, or null when the container does not name the class */
    ClassLoader applicationLoader() {
        return applicationLoader;
    }

    /**
     * @return the listener method the endpoint was deployed with: an MDB that answers requests
     *     implements {@link ReplyingListener}, one that takes batches {@link BatchListener} (its
     *     endpoint then is no {@link MessageListener})
     */
    private static Method method(MessageEndpoint target) {
        if (target instanceof MessageListener) {
            return ON_MESSAGE;
        }
        return target instanceof BatchListener ? ON_MESSAGES : ON_REQUEST;
    }

    /**
     * @return whether the MDB takes batches ({@link BatchListener}); false while the container cannot
     *     make its endpoint yet, whose single delivery then tells why
     */
    boolean takesBatches() {
        MessageEndpoint target = endpoint == null ? endpoint(null) : endpoint;
        return target != null && method(target) == ON_MESSAGES;
    }

    /** @return whether the container runs each delivery in a transaction (the MDB's REQUIRED) */
    private boolean isTransacted(Method method) {
        if (transacted == null) {
            try {
                transacted = factory.isDeliveryTransacted(method);
            } catch (NoSuchMethodException e) {
                transacted = false;
            }
        }
        return transacted;
    }

    /** Runs the message through the MDB and ends the delivery, which settles it. */
    void deliver(InFlight inFlight) {
        ReceivedMessage message = inFlight.message();
        MessageEndpoint target = endpoint(message);
        if (target == null) {
            inFlight.refused();
            return;
        }
        Method method = method(target);
        boolean transacted = isTransacted(method);
        if (transacted && transaction != null) {
            inFlight.inTransaction();
            transaction.bind(inFlight);
        }
        try {
            target.beforeDelivery(method);
        } catch (NoSuchMethodException | ResourceException | RuntimeException e) {
            // the MDB never saw the message: the container is not ready for it, the message is not at fault
            unbind();
            LOG.log(Level.WARNING, "The container refused a delivery to " + description
                    + " (" + e + "); " + (inFlight.isBatch() ? "its messages go back to their queues"
                    : "its message goes back to queue '" + message.queue() + "'"));
            inFlight.refused();
            return;
        }
        if (transacted && transaction == null) {
            synchronizeWithTransaction(inFlight);
        }
        long started = metrics.onMessageStarted();
        try {
            if (method == ON_MESSAGE) {
                ((MessageListener) target).onMessage(message);
            } else if (method == ON_MESSAGES) {
                ((BatchListener) target).onMessages(inFlight.messages());
            } else {
                answer(inFlight, ((ReplyingListener) target).onRequest(message));
            }
        } catch (Throwable failure) {
            inFlight.failedWith(failure);
        } finally {
            metrics.onMessageEnded(started);
            try {
                target.afterDelivery();
            } catch (ResourceException | RuntimeException e) {
                inFlight.failedWith(e);
            }
        }
        unbind();
        inFlight.finish();
    }

    /**
     * Encodes the MDB's answer here, so that a failure to encode is the MDB's, and leaves it to be
     * published when the request is acked. A request without replyTo is an ordinary message.
     */
    private void answer(InFlight inFlight, OutgoingMessage answer) {
        ReceivedMessage request = inFlight.message();
        if (answer == null) {
            return;
        }
        if (request.replyTo() == null || request.replyTo().isEmpty()) {
            if (!warnedNoReplyTo) {
                warnedNoReplyTo = true;
                LOG.info(() -> description + " answered a message from queue '" + request.queue() + "' that has no "
                        + "replyTo: the answer is dropped and the message handled as an ordinary one (logged once)");
            }
            return;
        }
        inFlight.replyWith(Reply.to(request, answer));
    }

    /** The delivery is over: an outcome of its transaction arriving now must not settle the next one. */
    private void unbind() {
        if (transaction != null) {
            transaction.bind(null);
        }
    }

    /**
     * On the delivery thread, after beforeDelivery began the container's transaction: the delivery is
     * settled when it completes. A transaction no longer active cannot commit: the delivery is given back.
     */
    private void synchronizeWithTransaction(InFlight inFlight) {
        int status;
        try {
            status = registry.getTransactionStatus();
            if (status == Status.STATUS_ACTIVE) {
                // inTransaction first: the reaper may complete the transaction as soon as it is registered
                inFlight.inTransaction();
                registry.registerInterposedSynchronization(new DeliverySynchronization(inFlight));
                return;
            }
        } catch (RuntimeException e) {
            // registering failed, so its outcome will not reach us: the message is given back, never acked
            inFlight.failedWith(new IllegalStateException("Warren could not follow the MDB's transaction ("
                    + e + "); the message is given back", e));
            return;
        }
        if (status == Status.STATUS_NO_TRANSACTION) {
            if (!warnedNoTransaction) {
                warnedNoTransaction = true;
                LOG.warning(() -> "The container delivers to " + description + " in a transaction, but "
                        + "none was active after beforeDelivery; Warren settles each delivery when afterDelivery "
                        + "returns, as if it were not transacted");
            }
            return;
        }
        inFlight.failedWith(new IllegalStateException("the MDB's transaction was no longer active when its delivery "
                + "began (status " + status + "); the message is given back"));
    }

    /**
     * @param message what waits for the endpoint, for the log; null: nothing yet, nothing logged
     * @return the endpoint, or null when the container cannot make it yet
     */
    private MessageEndpoint endpoint(ReceivedMessage message) {
        if (endpoint == null) {
            try {
                endpoint = factory.createEndpoint(transaction); // null: no XAResource
            } catch (UnavailableException | RuntimeException e) {
                if (message != null) {
                    LOG.log(Level.WARNING, description + " is not available yet (" + e.getMessage()
                            + "); its message goes back to queue '" + message.queue() + "'");
                }
                return null;
            }
        }
        return endpoint;
    }

    /** Called when no delivery is under way. */
    void release() {
        if (endpoint != null) {
            endpoint.release();
            endpoint = null;
        }
    }
}
