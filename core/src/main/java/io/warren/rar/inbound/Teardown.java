package io.warren.rar.inbound;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;

import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How an activation lets go of its consumers and its connection at undeploy, within a bound
 * whatever the broker does: nothing here waits for the broker's answer but the close-ok of the
 * connection, and that at most {@value #CLOSE_WAIT_MILLIS} ms.
 */
final class Teardown {

    private static final Logger LOG = Logger.getLogger(Teardown.class.getName());

    /**
     * How long closing a connection waits for the broker's close-ok before it closes the socket
     * anyway: the client's own {@code close()} waits without a bound, for a broker that stopped
     * answering until the heartbeat gives up.
     */
    static final long CLOSE_WAIT_MILLIS = 1_000;
    /**
     * How long the client's closing of a socket may take when the network takes nothing more: it
     * lingers up to a second for the bytes not yet sent (the client's own setting).
     */
    static final long SOCKET_LINGER_MILLIS = 1_000;
    /**
     * How much longer than {@code shutdownTimeoutMillis} an undeploy may take, whatever the broker
     * does: for the consumers' connection and the dead-letter connection each, the close-ok waited
     * for at most {@value #CLOSE_WAIT_MILLIS} ms, then the socket's close. The README and
     * docs/failure-modes.md name it.
     */
    static final long SHUTDOWN_MARGIN_MILLIS = 2 * (CLOSE_WAIT_MILLIS + SOCKET_LINGER_MILLIS);

    private Teardown() {
    }

    /**
     * Cancels the consumers (without waiting for the broker's cancel-ok), lets their deliveries under
     * way finish until the deadline, sends their held acks, closes the connection and releases the
     * endpoints.
     *
     * @param connection the connection all of the consumers' open channels are on, or null
     */
    static void consumersAndConnection(List<QueueConsumer> consumers, Connection connection, long deadlineNanos) {
        consumers.forEach(QueueConsumer::cancelWithoutWaiting);
        consumers.forEach(consumer -> consumer.awaitIdle(deadlineNanos));
        consumers.forEach(QueueConsumer::flushAcks);
        if (connection != null) {
            // one close for every channel, the broker requeuing what they hold: closing each channel
            // first waited for each one's close-ok in turn, up to channelRpcTimeoutMillis apiece
            closeQuietly(connection);
        }
        consumers.forEach(QueueConsumer::close); // their channels went with the connection: releases the endpoints
    }

    /** Closes within {@value #CLOSE_WAIT_MILLIS} ms: when the broker does not answer in time, the socket is closed. */
    static void closeQuietly(Connection opened) {
        try {
            if (opened.isOpen()) {
                opened.close((int) CLOSE_WAIT_MILLIS);
            }
        } catch (IOException | ShutdownSignalException e) {
            LOG.log(Level.FINE, "Closing an inbound connection failed; it is gone either way", e);
        }
    }
}
