package io.warren.rar.outbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.BatchPublishException;
import io.warren.EncodeException;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.ProducerSettings;
import io.warren.PublishException;
import io.warren.WarrenException;
import io.warren.rar.serialization.Serializers;
import io.warren.rar.tracing.Tracing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Publishing on a managed connection's channel: a message is encoded, waits out the broker's flow
 * control, is traced and sent, the same way whether its caller waits for the confirm or takes a
 * future of it. Handles reach it through their managed connection, producers through the handle
 * they borrow.
 */
final class Publisher {

    private final PooledChannel channel;
    private final FlowGate flowGate;
    private final ChannelFailures failures;
    private final ProducerDeclarations declarations;
    /** Those of the application the managed connection serves, for a publish that brings none. */
    private final Supplier<Serializers> serializers;
    private final Tracing tracing;
    // made once, not per message: a publish that succeeds allocates no closure
    private final Sender<Void> waitingForConfirm;
    private final Sender<CompletableFuture<Void>> confirmingLater;

    Publisher(PooledChannel channel, FlowGate flowGate, ChannelFailures failures, ProducerDeclarations declarations,
              Supplier<Serializers> serializers, Tracing tracing) {
        this.channel = channel;
        this.flowGate = flowGate;
        this.failures = failures;
        this.declarations = declarations;
        this.serializers = serializers;
        this.tracing = tracing;
        this.waitingForConfirm = (exchange, routingKey, mandatory, confirmTimeout, properties, body) -> {
            channel.publish(exchange, routingKey, mandatory, confirmTimeout, properties, body);
            return null;
        };
        this.confirmingLater = channel::publishConfirmed;
    }

    /** How the channel sends a message ready to go. */
    private interface Sender<T> {
        T send(String exchange, String routingKey, boolean mandatory, Duration confirmTimeout,
               AMQP.BasicProperties properties, byte[] body) throws IOException;
    }

    /** A publish through a handle, with the serializers of the application the connection serves. */
    void publish(ProducerSettings settings, OutgoingMessage message) {
        publish(settings, message, serializers.get());
    }

    /**
     * Runs once per message: what a failure would say is put together only when one happens, so
     * that a publish that succeeds allocates no description and no closure.
     */
    void publish(ProducerSettings settings, OutgoingMessage message, Serializers serializers) {
        try {
            send(settings, message, serializers, settings.confirmTimeout(), waitingForConfirm);
        } catch (IOException | RuntimeException e) {
            throw failures.failure(e, () -> publishing(settings.exchange(), routingKey(settings, message)));
        }
    }

    /**
     * A batch on this one channel: every message encoded before any is sent, each sent as a
     * publish sends it (flow control, declarations, its own trace span), then, with confirms and
     * outside a transaction, one wait for all of their confirms.
     */
    void publishAll(ProducerSettings settings, List<OutgoingMessage> messages, Serializers serializers) {
        int size = messages.size();
        if (size == 0) {
            return;
        }
        String exchange = settings.exchange();
        String[] routingKeys = new String[size];
        OutgoingProperties.Wire[] wires = new OutgoingProperties.Wire[size];
        for (int i = 0; i < size; i++) {
            OutgoingMessage message = messages.get(i);
            if (message == null) {
                throw new WarrenException("Message " + i + " of the batch to exchange '" + exchange + "' is null; "
                        + "nothing of the batch was sent");
            }
            routingKeys[i] = routingKey(settings, message);
            try {
                wires[i] = OutgoingProperties.wire(encode(message, settings, serializers), settings, message);
            } catch (EncodeException e) {
                throw new EncodeException("Message " + i + " of the batch to exchange '" + exchange + "' does not "
                        + "encode, so nothing of the batch was sent: " + e.getMessage(), e.payloadType(),
                        e.contentType(), e);
            }
        }
        PublishedBatch batch = new PublishedBatch(exchange, routingKeys);
        boolean confirmed = settings.confirms();
        while (batch.sent() < size) {
            int next = batch.sent();
            // before each message, as for a publish; before the declarations too, which would wait channelRpcTimeoutMillis
            String refusal = flowGate.refusal();
            if (refusal != null) {
                batch.stopped(new PublishException(refusal, null));
                break;
            }
            if (next == 0) {
                try {
                    declarations.ensure(channel.brokerConnection(), settings, channel::declarer);
                } catch (IOException | RuntimeException e) {
                    throw failures.failure(e, () -> "declare what a batch to exchange '" + exchange + "' needs");
                }
            }
            try {
                try (Tracing.Span span = tracing.publish(exchange, routingKeys[next])) {
                    batch.sent(channel.publishInBatch(next == 0, exchange, routingKeys[next], settings.mandatory(), confirmed,
                            span.inject(wires[next].properties()), wires[next].body()));
                }
            } catch (IOException | ShutdownSignalException e) {
                failures.discardIfBroken(e);
                batch.stopped(e);
                break;
            } catch (RuntimeException e) {
                if (next == 0) {
                    // refused before anything went out (a mandatory producer in a transaction)
                    throw failures.failure(e, () -> "publish a batch of " + size + " to exchange '" + exchange + "'");
                }
                batch.stopped(e);
                break;
            }
        }
        if (confirmed && !channel.inTransaction()) {
            try {
                if (!batch.awaitConfirms(settings.confirmTimeout())) {
                    channel.confirmsTimedOut();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishException("Interrupted while waiting for the broker's confirms of a batch of " + size
                        + " to exchange '" + exchange + "'; they may or may not have been routed", e);
            }
        }
        BatchPublishException failure = batch.failure();
        if (failure != null) {
            throw failure;
        }
    }

    /** Failures to publish at all are failed futures too, as the caller handles the future only. */
    CompletableFuture<Void> publishConfirmed(ProducerSettings settings, OutgoingMessage message,
                                             Serializers serializers) {
        Duration timeout = settings.confirms() ? settings.confirmTimeout() : Producer.DEFAULT_CONFIRM_TIMEOUT;
        try {
            return send(settings, message, serializers, timeout, confirmingLater);
        } catch (IOException | ShutdownSignalException e) {
            failures.discardIfBroken(e);
            return CompletableFuture.failedFuture(new PublishException("Could not "
                    + publishing(settings.exchange(), routingKey(settings, message)) + ": "
                    + ChannelFailures.reason(e), e));
        } catch (WarrenException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new PublishException("Could not "
                    + publishing(settings.exchange(), routingKey(settings, message)) + ": " + e, e));
        }
    }

    /** What every publish does before the channel sends it, and the span it is sent in. */
    private <T> T send(ProducerSettings settings, OutgoingMessage message, Serializers serializers,
                       Duration confirmTimeout, Sender<T> sender) throws IOException {
        String exchange = settings.exchange();
        String routingKey = routingKey(settings, message);
        OutgoingProperties.Wire wire = OutgoingProperties.wire(encode(message, settings, serializers), settings, message);
        // first: a declaration, or the tx.select a transaction's first use of the channel sends, on a connection
        // the broker blocks would wait channelRpcTimeoutMillis for an answer, not publishBlockedTimeoutMillis
        awaitUnblocked(exchange, routingKey);
        declarations.ensure(channel.brokerConnection(), settings, channel::declarer);
        try (Tracing.Span span = tracing.publish(exchange, routingKey)) {
            return sender.send(exchange, routingKey, settings.mandatory(), confirmTimeout,
                    span.inject(wire.properties()), wire.body());
        }
    }

    /**
     * Declares what the producer's settings declare, once per broker connection, for a request,
     * which the {@link ReplyConsumer} publishes on a channel of its own.
     */
    void declareFor(ProducerSettings settings) {
        try {
            declarations.ensure(channel.brokerConnection(), settings, channel::declarer);
        } catch (IOException | RuntimeException e) {
            throw failures.failure(e, () -> "declare what a request to exchange '" + settings.exchange()
                    + "' needs");
        }
    }

    /**
     * A request as it goes over the wire, for the {@link ReplyConsumer} that publishes it: encoded,
     * compressed when asked, traced.
     *
     * @throws EncodeException when the payload or a header does not encode
     */
    static OutgoingProperties.Wire request(ProducerSettings settings, OutgoingMessage message, Serializers serializers,
                                          Tracing tracing) {
        OutgoingProperties.Wire wire = OutgoingProperties.wire(encode(message, settings, serializers), settings, message);
        try (Tracing.Span span = tracing.publish(settings.exchange(), routingKey(settings, message))) {
            return new OutgoingProperties.Wire(span.inject(wire.properties()), wire.body());
        }
    }

    static String routingKey(ProducerSettings settings, OutgoingMessage message) {
        return message.routingKey() != null ? message.routingKey() : settings.routingKey();
    }

    private static String publishing(String exchange, String routingKey) {
        return "publish to exchange '" + exchange + "' with routing key '" + routingKey + "'";
    }

    /**
     * Publishing on a connection the broker blocks would get it blocked for reading too, stalling
     * this factory's declarations, fetches and acks with it: wait a bounded time instead, then fail.
     */
    private void awaitUnblocked(String exchange, String routingKey) {
        String refusal = flowGate.refusal();
        if (refusal != null) {
            throw new PublishException("Could not " + publishing(exchange, routingKey) + ": " + refusal
                    + "; nothing was sent, publish it again later", null);
        }
    }

    private static Serializers.Encoded encode(OutgoingMessage message, ProducerSettings settings,
                                              Serializers serializers) {
        String serializer = message.serializer() != null ? message.serializer() : settings.serializer();
        try {
            return serializers.encode(message.payload(), message.serializer(), settings.serializer(),
                    message.contentType(), message.contentEncoding());
        } catch (WarrenException e) {
            throw e;
        } catch (RuntimeException e) {
            String payloadType = message.payload() == null ? "null" : message.payload().getClass().getName();
            String contentType = serializers.get(serializer).contentType();
            throw new EncodeException("Cannot encode a payload of type " + payloadType + " as " + contentType
                    + " (serializer '" + serializer + "'): " + firstLine(e), payloadType, contentType, e);
        }
    }

    private static String firstLine(Throwable e) {
        Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(cause.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
