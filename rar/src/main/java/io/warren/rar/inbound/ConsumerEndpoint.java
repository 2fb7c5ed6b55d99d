package io.warren.rar.inbound;

import io.warren.Message;
import io.warren.MessageListener;
import io.warren.rar.messages.ReceivedMessage;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;

import java.lang.reflect.Method;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A consumer's message endpoint and the one place that runs a delivery through it:
 * beforeDelivery, onMessage, afterDelivery, always paired, with the delivery's transaction bound
 * to its outcome. The endpoint is made on first use, never at activation, where
 * {@code createEndpoint} may block until the MDB is deployed; it is released with the consumer.
 * Used by one consumer's Work at a time.
 */
final class ConsumerEndpoint {

    private static final Logger LOG = Logger.getLogger(ConsumerEndpoint.class.getName());
    static final Method ON_MESSAGE;

    static {
        try {
            ON_MESSAGE = MessageListener.class.getMethod("onMessage", Message.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Activation activation;
    private final DeliveryTransaction transaction = new DeliveryTransaction();
    private MessageEndpoint endpoint;
    private Boolean transacted;

    ConsumerEndpoint(Activation activation) {
        this.activation = activation;
    }

    /** @return whether the container runs each delivery in a transaction (the MDB's REQUIRED) */
    boolean isTransacted() {
        if (transacted == null) {
            try {
                transacted = activation.endpointFactory().isDeliveryTransacted(ON_MESSAGE);
            } catch (NoSuchMethodException e) {
                transacted = false;
            }
        }
        return transacted;
    }

    /**
     * Runs the message through the MDB and settles it.
     *
     * @return whether the container turned the delivery away (the MDB did not run): the caller pauses
     */
    boolean deliver(ReceivedMessage message, InFlight inFlight, Settler settler) {
        MessageEndpoint target = endpoint(message, settler);
        if (target == null) {
            return true;
        }
        if (isTransacted()) {
            inFlight.inTransaction();
            transaction.bind(inFlight);
        }
        try {
            target.beforeDelivery(ON_MESSAGE);
        } catch (NoSuchMethodException | ResourceException | RuntimeException e) {
            // the MDB never saw the message: the container is not ready for it, the message is not at fault
            transaction.bind(null);
            LOG.log(Level.WARNING, "The container refused a delivery to " + activation.describe()
                    + " (" + e + "); its message goes back to queue '" + message.queue() + "'");
            inFlight.refused();
            return true;
        }
        long started = activation.metrics().onMessageStarted();
        try {
            ((MessageListener) target).onMessage(message);
        } catch (Throwable failure) {
            inFlight.failedWith(failure);
        } finally {
            activation.metrics().onMessageEnded(started);
            try {
                target.afterDelivery();
            } catch (ResourceException | RuntimeException e) {
                inFlight.failedWith(e);
            }
        }
        transaction.bind(null);
        inFlight.finish();
        return inFlight.wasRefused();
    }

    private MessageEndpoint endpoint(ReceivedMessage message, Settler settler) {
        if (endpoint == null) {
            try {
                endpoint = activation.endpointFactory().createEndpoint(transaction);
            } catch (UnavailableException | RuntimeException e) {
                LOG.log(Level.WARNING, activation.describe() + " is not available yet (" + e.getMessage()
                        + "); its message goes back to queue '" + message.queue() + "'");
                settler.refused(message);
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
