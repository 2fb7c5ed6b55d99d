package io.warren.rar.outbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.Message;
import io.warren.PublishException;
import io.warren.WarrenException;
import io.warren.rar.config.BrokerConnector;
import io.warren.rar.metrics.FactoryMetrics;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A connection factory's one channel for requests and their replies, on the factory's broker
 * connection: it consumes the replies (from RabbitMQ's direct reply-to, or from the factory's
 * {@code replyQueue}) and publishes the requests, as direct reply-to answers only requests published
 * on the channel that consumes it. Every request in flight shares it; none holds a pooled channel.
 *
 * <p>When the channel or its connection closes, the requests waiting on direct reply-to fail at
 * once: their reply address went with the channel. With a named reply queue they wait on until
 * their timeouts, and the consumer comes back as soon as the broker can be reached (tried every
 * {@code connectRetryMillis} while requests wait), or with the next request.
 *
 * <p>Publishing to an exchange that does not exist would close the channel (404) and with it every
 * request waiting on direct reply-to: each exchange is checked once per channel, on a channel of
 * its own, before the first request to it.
 *
 * <p>Threading: requests come from any thread; the channel is replaced under this object's lock;
 * replies and returns arrive on the AMQP client's threads and are handed to {@link PendingRequests}.
 */
final class ReplyConsumer {

    private static final Logger LOG = Logger.getLogger(ReplyConsumer.class.getName());
    static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

    /** The factory's broker connection, reopened when it was lost. */
    interface Source {
        BrokerConnector.Opened open() throws IOException, TimeoutException;
    }

    private final Source source;
    /** Null: direct reply-to. */
    private final String replyQueue;
    private final Duration publishBlockedTimeout;
    private final Duration retry;
    private final Completions completions;
    private final PendingRequests pending;
    private final String factory;
    /** Volatile: {@link #close()} reads it without the lock, as the factory closes under its own. */
    private volatile Channel channel;
    private FlowGate flowGate;
    private final Set<String> exchangesSeen = new HashSet<>();
    private volatile boolean closed;
    private boolean retrying;

    /**
     * @param replyQueue the queue replies come to, declared if absent; null for direct reply-to
     * @param factory the connection factory, for messages
     */
    ReplyConsumer(Source source, String replyQueue, Duration publishBlockedTimeout, Duration retry,
                  Completions completions, FactoryMetrics metrics, String factory) {
        this.source = source;
        this.replyQueue = replyQueue;
        this.publishBlockedTimeout = publishBlockedTimeout;
        this.retry = retry;
        this.completions = completions;
        this.factory = factory;
        this.pending = new PendingRequests(completions, metrics, factory);
    }

    /**
     * Publishes a request and returns the future of its reply. Never throws: the caller hands the
     * future on.
     *
     * @param expectation how its replies are read and which ends it (see {@link PendingRequests#expect})
     */
    CompletableFuture<Message> request(String exchange, String routingKey, boolean mandatory,
                                       AMQP.BasicProperties properties, byte[] body, Duration timeout,
                                       PendingRequests.Expectation expectation) {
        String correlationId = properties.getCorrelationId() != null ? properties.getCorrelationId()
                : UUID.randomUUID().toString();
        AMQP.BasicProperties request = properties.builder().correlationId(correlationId)
                .replyTo(replyQueue != null ? replyQueue : DIRECT_REPLY_TO).build();
        CompletableFuture<Message> reply;
        try {
            reply = pending.expect(correlationId, exchange, routingKey, timeout, expectation);
        } catch (WarrenException e) {
            return CompletableFuture.failedFuture(e);
        }
        try {
            publish(exchange, routingKey, mandatory, request, body);
        } catch (IOException | TimeoutException | RuntimeException e) {
            pending.forget(correlationId);
            return CompletableFuture.failedFuture(e instanceof WarrenException warren ? warren
                    : new PublishException("Could not publish the request to exchange '" + exchange
                    + "' with routing key '" + routingKey + "' on " + factory + ": " + describe(e), e));
        }
        return reply;
    }

    private void publish(String exchange, String routingKey, boolean mandatory, AMQP.BasicProperties properties,
                         byte[] body) throws IOException, TimeoutException {
        FlowGate gate;
        synchronized (this) {
            channel();
            gate = flowGate;
        }
        // outside the lock: a blocked connection holds up only those who publish on it anyway
        String refusal = gate.refusal();
        if (refusal != null) {
            throw new PublishException("Could not publish the request to exchange '" + exchange + "' with routing key '"
                    + routingKey + "': " + refusal + "; nothing was sent", null);
        }
        synchronized (this) {
            Channel target = channel();
            checkExchange(target, exchange);
            target.basicPublish(exchange, routingKey, mandatory, properties, body);
        }
    }

    /** @return the open channel, made and consuming the replies if there was none */
    private Channel channel() throws IOException, TimeoutException {
        if (closed) {
            throw new WarrenException("The connection factory " + factory + " is closed; no request can be sent");
        }
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        BrokerConnector.Opened opened = source.open();
        Channel made = opened.connection().createChannel();
        if (made == null) {
            throw new IOException("the broker connection has no channel left (channelMax)");
        }
        try {
            made.addReturnListener(returned -> pending.returned(returned.getProperties().getCorrelationId(),
                    returned.getReplyCode(), returned.getReplyText(), returned.getExchange(), returned.getRoutingKey()));
            made.addShutdownListener(cause -> lost(made, cause));
            String queue = replyQueue != null ? replyQueue : DIRECT_REPLY_TO;
            if (replyQueue != null) {
                // neither exclusive nor auto-delete: replies published while the consumer is away wait for it
                made.queueDeclare(replyQueue, false, false, false, null);
            }
            made.basicConsume(queue, true, (tag, delivery) -> pending.replied(queue, delivery.getEnvelope(),
                    delivery.getProperties(), delivery.getBody()), tag -> cancelled(made));
        } catch (IOException | RuntimeException e) {
            closeQuietly(made);
            throw e;
        }
        channel = made;
        flowGate = new FlowGate(opened.flowControl(), publishBlockedTimeout);
        exchangesSeen.clear();
        LOG.log(Level.FINE, "Consuming replies of {0} from ''{1}''", new Object[] {factory, queue()});
        return made;
    }

    private void checkExchange(Channel target, String exchange) throws IOException, TimeoutException {
        if (exchange.isEmpty() || exchangesSeen.contains(exchange)) {
            return;
        }
        Channel probe = target.getConnection().createChannel();
        if (probe == null) {
            throw new IOException("the broker connection has no channel left (channelMax)");
        }
        try {
            probe.exchangeDeclarePassive(exchange);
        } catch (IOException e) {
            throw new WarrenException("Cannot send a request to exchange '" + exchange + "': it does not exist ("
                    + describe(e) + "); declare it first", e);
        } finally {
            closeQuietly(probe);
        }
        exchangesSeen.add(exchange);
    }

    /** The channel closed: with direct reply-to its replies can no longer arrive. */
    private void lost(Channel lost, ShutdownSignalException cause) {
        boolean wasCurrent;
        synchronized (this) {
            wasCurrent = channel == lost;
            if (wasCurrent) {
                channel = null;
            }
        }
        if (!wasCurrent) {
            return;
        }
        String reason = closed ? "the connection factory " + factory + " closed"
                : "the reply consumer's " + (cause.isHardError() ? "broker connection" : "channel") + " of " + factory
                + " closed (" + describe(cause) + ")";
        if (replyQueue == null || closed) {
            if (pending.size() > 0) {
                LOG.log(Level.WARNING, "{0}: {1} requests waiting for replies on direct reply-to fail now, as their "
                        + "replies cannot arrive", new Object[] {reason, pending.size()});
            }
            pending.failAll(reason + "; with direct reply-to the reply address went with it. Ask again");
            return;
        }
        LOG.log(Level.WARNING, "{0}: {1} requests keep waiting for replies on queue ''{2}'' until their timeouts; "
                + "consuming again as soon as the broker can be reached", new Object[] {reason, pending.size(), replyQueue});
        retryLater();
    }

    /** The broker cancelled the consumer (its reply queue was deleted): a new channel declares it again. */
    private void cancelled(Channel made) {
        LOG.log(Level.WARNING, "The broker cancelled the reply consumer of {0} on ''{1}''; consuming again",
                new Object[] {factory, queue()});
        completions.execute(() -> closeQuietly(made));
    }

    /** While requests wait on a named reply queue, tries to consume again every {@code connectRetryMillis}. */
    private synchronized void retryLater() {
        if (retrying || closed) {
            return;
        }
        retrying = true;
        completions.schedule(() -> {
            synchronized (this) {
                retrying = false;
                if (closed || pending.size() == 0) {
                    return;
                }
                try {
                    channel();
                    LOG.log(Level.INFO, "Consuming replies of {0} from ''{1}'' again", new Object[] {factory, replyQueue});
                    return;
                } catch (IOException | TimeoutException | RuntimeException e) {
                    LOG.log(Level.FINE, "Could not consume replies again: {0}", describe(e));
                }
            }
            retryLater();
        }, Math.max(retry.toNanos(), 100_000_000L));
    }

    /** @return where replies come to */
    String queue() {
        return replyQueue != null ? replyQueue : DIRECT_REPLY_TO;
    }

    /** @return how many requests wait for their replies */
    int inFlight() {
        return pending.size();
    }

    /** Fails what waits and closes the channel; the connection factory closes. */
    void close() {
        closed = true;
        Channel current = channel;
        channel = null;
        pending.failAll("the connection factory " + factory + " closed");
        if (current != null) {
            closeQuietly(current);
        }
    }

    private static void closeQuietly(Channel target) {
        try {
            if (target.isOpen()) {
                target.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing a reply channel failed", e);
        }
    }

    private static String describe(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        if (e.getCause() instanceof ShutdownSignalException shutdown) {
            cause = shutdown;
        }
        return cause instanceof ShutdownSignalException shutdown && shutdown.getReason() != null
                ? String.valueOf(shutdown.getMessage()) : String.valueOf(cause.getMessage());
    }
}
