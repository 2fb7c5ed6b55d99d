package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.Queue;
import io.warren.rar.config.BrokerConnector;
import io.warren.rar.config.UnreadableContent;
import io.warren.rar.messages.ReceivedMessage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a message that cannot be delivered to its dead-letter target, with the reason in its
 * headers: to the configured exchange, or else to the queue {@code <queue>.dead-letters}. The
 * copy is published {@code mandatory} and waits for the broker's confirm, so that the original is
 * acked only once the copy is in a queue: a copy the broker returns (no queue for it) or nacks is
 * a failure, and the caller requeues the original.
 *
 * <p>Dead letters go over a connection of their own, opened when the first one is needed: under a
 * memory or disk alarm the broker blocks every connection that publishes, and the consumers'
 * connection, which only acks, must keep flowing. While that connection is blocked a dead letter
 * fails at once rather than wait for the alarm to end.
 *
 * <p>The same connection moves failed messages to their retry queues ({@link Redeliveries}),
 * with the same guarantee.
 *
 * <p>A parking queue is declared when the broker returns a copy for want of it, not remembered as
 * declared: an operator may delete it at any time. One copy at a time: dead letters are rare.
 */
final class DeadLetters implements AutoCloseable {

    static final String REASON = "x-warren-reason";
    static final String EXCEPTION = "x-warren-exception";
    static final String EXCEPTION_MESSAGE = "x-warren-exception-message";
    static final String DELIVERIES = "x-warren-deliveries";
    static final String QUEUE = "x-warren-queue";
    static final String EXCHANGE = "x-warren-exchange";
    static final String ROUTING_KEY = "x-warren-routing-key";

    private static final Logger LOG = Logger.getLogger(DeadLetters.class.getName());
    private static final int MAX_TEXT = 1024;
    static final long CONFIRM_TIMEOUT_MILLIS = 10_000;
    private static final int ABORT_MILLIS = 1_000;

    private final String exchange;
    private final String routingKey;
    private final BrokerConnector connector;
    private final String purpose;
    /** Read by {@link #close()} without the lock: a copy under way holds the lock up to its confirm timeout. */
    private volatile Connection connection;
    private Channel channel;
    private volatile String blockedBecause;
    /** The broker's reply to the copy under way when it returned it, or null. */
    private volatile String returned;
    private volatile boolean closed;

    /**
     * @param exchange the configured dead-letter exchange, or null to park in {@code <queue>.dead-letters}
     * @param routingKey the configured routing key, or null for the message's own
     * @param purpose names the connection on the broker, e.g. {@code dead letters: the MDB ...}
     */
    DeadLetters(String exchange, String routingKey, BrokerConnector connector, String purpose) {
        this.exchange = exchange;
        this.routingKey = routingKey;
        this.connector = connector;
        this.purpose = purpose;
    }

    /** @return where dead letters of that queue go, for the log */
    String target(String queue) {
        return exchange != null ? "exchange '" + exchange + "'" : "queue '" + parkingQueue(queue) + "'";
    }

    static String parkingQueue(String queue) {
        return queue + ".dead-letters";
    }

    /** @throws IOException when no copy can go now: the MDB is going, or the broker blocks this connection */
    private void refuseWhileUnusable() throws IOException {
        if (closed) {
            throw new IOException("the MDB is being undeployed");
        }
        String blocked = blockedBecause;
        if (blocked != null) {
            throw new IOException("the broker blocks publishing (" + blocked + ") until its alarm clears");
        }
    }

    /**
     * Publishes the copy and waits until the broker has put it in a queue.
     *
     * @throws IOException saying why the copy is not in a queue: the caller must not ack the original
     */
    synchronized void send(ReceivedMessage message, String reason, Throwable failure, int deliveries)
            throws IOException {
        refuseWhileUnusable();
        AMQP.BasicProperties properties = withReason(message, reason, failure, deliveries);
        try {
            Channel open = channel();
            if (exchange != null) {
                String key = routingKey != null ? routingKey : message.routingKey();
                String refusal = publish(open, exchange, key, properties, message.rawBody());
                if (refusal != null) {
                    throw new Refused("exchange '" + exchange + "' routed it to no queue with routing key '" + key
                            + "' (" + refusal + "); bind a queue to it for that key, or set deadLetterRoutingKey");
                }
                return;
            }
            String parking = parkingQueue(message.queue());
            if (publish(open, "", parking, properties, message.rawBody()) != null) {
                // no such queue (deleted since, or never made): make it and send again
                open.queueDeclare(parking, true, false, false, null);
                LOG.info(() -> "Declared the parking queue '" + parking + "' for " + purpose);
                String refusal = publish(open, "", parking, properties, message.rawBody());
                if (refusal != null) {
                    throw new Refused("queue '" + parking + "' took no copy even after it was declared (" + refusal + ")");
                }
            }
        } catch (Refused e) {
            throw e;
        } catch (ShutdownSignalException e) {
            discardChannel();
            throw new IOException("the broker closed the dead-letter channel: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            discardUnlessBlocked();
            throw e;
        }
    }

    /**
     * Publishes a copy of the message, with Warren's trip headers set in place of any it carried, to a queue of Warren's own (a retry
     * queue) and waits until the broker has put it there; a queue that is missing is declared as
     * given and the copy sent again.
     *
     * @throws IOException saying why the copy is not in the queue: the caller must not ack the original
     */
    synchronized void sendToQueue(Queue target, ReceivedMessage message, Map<String, Object> trip)
            throws IOException {
        refuseWhileUnusable();
        Map<String, Object> headers = new LinkedHashMap<>(message.properties().getHeaders() == null
                ? Map.of() : message.properties().getHeaders());
        RetryTrip.NOT_COPIED.forEach(headers::remove);
        headers.putAll(trip);
        AMQP.BasicProperties properties = message.properties().builder().headers(headers).build();
        try {
            Channel open = channel();
            if (publish(open, "", target.name(), properties, message.rawBody()) != null) {
                open.queueDeclare(target.name(), target.durable(), false, false, target.arguments());
                LOG.info(() -> "Declared the queue '" + target.name() + "' for " + purpose);
                String refusal = publish(open, "", target.name(), properties, message.rawBody());
                if (refusal != null) {
                    throw new Refused("queue '" + target.name() + "' took no copy even after it was declared ("
                            + refusal + ")");
                }
            }
        } catch (Refused e) {
            throw e;
        } catch (ShutdownSignalException e) {
            discardChannel();
            throw new IOException("the broker closed the channel: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            discardUnlessBlocked();
            throw e;
        }
    }

    private static AMQP.BasicProperties withReason(ReceivedMessage message, String reason, Throwable failure,
                                                   int deliveries) {
        Map<String, Object> headers = new LinkedHashMap<>(message.properties().getHeaders() == null
                ? Map.of() : message.properties().getHeaders());
        // the trip of a retry: a dead letter says the count in DELIVERIES and the origin in EXCHANGE, ROUTING_KEY
        RetryTrip.HEADERS.forEach(headers::remove);
        // its reason says it; kept, an MDB on the parking queue would refuse the message again as unreadable
        headers.remove(UnreadableContent.HEADER);
        headers.put(REASON, cut(reason));
        if (failure != null) {
            headers.put(EXCEPTION, failure.getClass().getName());
            headers.put(EXCEPTION_MESSAGE, cut(String.valueOf(failure.getMessage())));
        }
        headers.put(DELIVERIES, deliveries);
        headers.put(QUEUE, message.queue());
        headers.put(EXCHANGE, message.exchange());
        headers.put(ROUTING_KEY, message.routingKey());
        return message.properties().builder().headers(headers).build();
    }

    /** @return null when the broker confirmed the copy into a queue, else the broker's reply to the return */
    private String publish(Channel open, String targetExchange, String key, AMQP.BasicProperties properties,
                           byte[] body) throws IOException {
        returned = null;
        open.basicPublish(targetExchange, key, true, properties, body);
        boolean acked;
        try {
            acked = open.waitForConfirms(CONFIRM_TIMEOUT_MILLIS);
        } catch (TimeoutException e) {
            throw new IOException("no confirm for the dead letter within " + CONFIRM_TIMEOUT_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the dead letter's confirm", e);
        }
        if (!acked) {
            throw new Refused("the broker nacked the dead letter");
        }
        // the broker sends basic.return before the confirm of the same message, on the same thread
        return returned;
    }

    private Channel channel() throws IOException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        if (connection == null || !connection.isOpen()) {
            try {
                connection = connector.open(purpose);
            } catch (TimeoutException e) {
                throw new IOException("cannot reach the broker: " + e.getMessage(), e);
            }
            if (closed) {
                // close() may have looked for a connection while this one was opening
                discardChannel();
                throw new IOException("the MDB is being undeployed");
            }
            connection.addBlockedListener(new BlockedListener() {
                @Override
                public void handleBlocked(String reason) {
                    blockedBecause = reason;
                }

                @Override
                public void handleUnblocked() {
                    blockedBecause = null;
                }
            });
            blockedBecause = null;
        }
        Channel opened = connection.createChannel();
        if (opened == null) {
            throw new IOException("the dead-letter connection has no channel left (channel_max "
                    + connection.getChannelMax() + ")");
        }
        opened.confirmSelect();
        opened.addReturnListener(back -> returned = back.getReplyCode() + " " + back.getReplyText());
        channel = opened;
        return opened;
    }

    /**
     * A copy unconfirmed because the broker blocks the connection is confirmed when the alarm
     * clears: the channel is kept, and copies fail at once meanwhile ({@link #refuseWhileUnusable}).
     */
    private void discardUnlessBlocked() {
        if (blockedBecause == null || channel == null || !channel.isOpen()) {
            discardChannel();
        }
    }

    /**
     * Lets go of a channel whose state is unknown after a failure (no confirm in time, closed, an
     * unexpected error). Forgetting it without closing it leaked one channel per failure until
     * {@code channel_max}. Closing it alone could wait for a close-ok that a blocked connection never
     * sends, so the whole connection, which is this class's own, is aborted with a bounded wait and
     * opened again by the next copy. A copy still in the broker's socket buffer may yet reach its
     * queue while the original was requeued: a duplicate, never a loss.
     */
    private void discardChannel() {
        channel = null;
        blockedBecause = null;
        abort(connection);
        connection = null;
    }

    /**
     * Not under the lock: a copy under way holds it for up to {@value #CONFIRM_TIMEOUT_MILLIS} ms,
     * which an undeploy must not wait for. Aborting the connection ends that wait at once; the
     * copy's original is then not acked, and comes back from the broker.
     */
    @Override
    public void close() {
        closed = true;
        abort(connection);
    }

    private static void abort(Connection open) {
        if (open != null) {
            try {
                open.abort(ABORT_MILLIS);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Aborting the dead-letter connection failed; it is gone either way", e);
            }
        }
    }

    /** Keeps headers and log lines far below the frame size: no stack traces, at most 1 KiB of UTF-8. */
    static String cut(String text) {
        if (text.getBytes(StandardCharsets.UTF_8).length <= MAX_TEXT) {
            return text;
        }
        String cut = text.substring(0, Math.min(text.length(), MAX_TEXT - 3));
        while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT - 3) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }

    /**
     * The broker answered the copy, with a return or a nack, on a channel that stays usable: the
     * channel is kept for the next copy.
     */
    private static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }
}
