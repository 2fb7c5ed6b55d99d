package io.warren;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a producer publishes to and how: exchange, default routing key, serializer, compression,
 * whether each publish waits for the broker's confirm or must be routed to a queue, how it is
 * retried, and what it declares before it publishes.
 */
public final class ProducerSettings {
    private final String exchange;
    private final String routingKey;
    private final String serializer;
    private final String compression;
    private final Duration confirmTimeout;
    private final boolean mandatory;
    private final RetryPolicy retryPolicy;
    private final List<Exchange> declaredExchanges;
    private final List<Queue> declaredQueues;

    private ProducerSettings(Builder builder) {
        this.exchange = builder.exchange;
        this.routingKey = builder.routingKey;
        this.serializer = builder.serializer;
        this.compression = builder.compression;
        this.confirmTimeout = builder.confirmTimeout;
        this.mandatory = builder.mandatory;
        this.retryPolicy = builder.retryPolicy;
        this.declaredExchanges = List.copyOf(builder.declaredExchanges);
        this.declaredQueues = List.copyOf(builder.declaredQueues);
    }

    /** @return the exchange; empty for the default exchange */
    public String exchange() {
        return exchange;
    }

    /** @return the routing key used when a publish names none */
    public String routingKey() {
        return routingKey;
    }

    /** @return the serializer's name or content type ({@code json} by default) */
    public String serializer() {
        return serializer;
    }

    /**
     * @return how each message is compressed unless it asks otherwise ({@code zlib},
     *     {@code bzip2}, {@code lzma}, {@code zstd}); null for no compression
     */
    public String compression() {
        return compression;
    }

    /** @return whether each publish waits for the broker's confirm */
    public boolean confirms() {
        return confirmTimeout != null;
    }

    /**
     * @return how long a publish waits for its confirm, also the timeout of
     *     {@link Producer#publishConfirmed(OutgoingMessage)}; null without confirms
     */
    public Duration confirmTimeout() {
        return confirmTimeout;
    }

    /** @return whether an unroutable message is an {@link UnroutableException} */
    public boolean mandatory() {
        return mandatory;
    }

    /** @return how a failed {@link Producer#publish publish} is tried again; null for never (the default) */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** @return the exchanges declared before the first publish on each broker connection, in order */
    public List<Exchange> declaredExchanges() {
        return declaredExchanges;
    }

    /**
     * @return the queues (with their bindings and their bindings' exchanges) declared before the
     *     first publish on each broker connection, after {@link #declaredExchanges()}, in order
     */
    public List<Queue> declaredQueues() {
        return declaredQueues;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ProducerSettings that && exchange.equals(that.exchange)
                && routingKey.equals(that.routingKey) && serializer.equals(that.serializer)
                && Objects.equals(compression, that.compression)
                && Objects.equals(confirmTimeout, that.confirmTimeout) && mandatory == that.mandatory
                && Objects.equals(retryPolicy, that.retryPolicy)
                && declaredExchanges.equals(that.declaredExchanges) && declaredQueues.equals(that.declaredQueues);
    }

    @Override
    public int hashCode() {
        return Objects.hash(exchange, routingKey, serializer, compression, confirmTimeout, mandatory, retryPolicy,
                declaredExchanges, declaredQueues);
    }

    @Override
    public String toString() {
        return "ProducerSettings[exchange='" + exchange + "', routingKey='" + routingKey + "', serializer="
                + serializer + (compression != null ? ", compression=" + compression : "")
                + (confirms() ? ", confirms within " + confirmTimeout : "")
                + (mandatory ? ", mandatory" : "") + (retryPolicy != null ? ", retry " + retryPolicy : "")
                + (declaredExchanges.isEmpty() && declaredQueues.isEmpty() ? "" : ", declares "
                + declaredExchanges.stream().map(Exchange::name).toList() + " "
                + declaredQueues.stream().map(Queue::name).toList()) + "]";
    }

    /** Builds {@link ProducerSettings}. */
    public static final class Builder {
        private final String exchange;
        private String routingKey = "";
        private String serializer = "json";
        private String compression;
        private Duration confirmTimeout;
        private boolean mandatory;
        private RetryPolicy retryPolicy;
        private final List<Exchange> declaredExchanges = new ArrayList<>();
        private final List<Queue> declaredQueues = new ArrayList<>();

        Builder(String exchange) {
            this.exchange = Objects.requireNonNull(exchange, "exchange");
        }

        /**
         * @param routingKey the routing key used when a publish names none
         * @return this builder
         */
        public Builder routingKey(String routingKey) {
            this.routingKey = Objects.requireNonNull(routingKey, "routingKey");
            return this;
        }

        /**
         * @param serializer {@code json} (default), {@code text}, {@code raw}, {@code msgpack}, or a registered name or content type
         * @return this builder
         */
        public Builder serializer(String serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /**
         * Compresses every message's encoded body as kombu does, unless the message asks for
         * another compression: {@code zlib}, {@code bzip2}, {@code lzma} or {@code zstd} (see
         * {@link OutgoingMessage.Builder#compression}). Worth it for large, repetitive text
         * such as JSON; small messages only grow.
         *
         * @param compression the method, or null for none (the default)
         * @return this builder
         */
        public Builder compression(String compression) {
            this.compression = compression;
            return this;
        }

        /**
         * Each publish waits for the broker's confirm; a nack or no answer within the timeout
         * is a {@link PublishException}. Inside a transaction the commit confirms instead.
         *
         * @param timeout how long each publish waits for the confirm; positive
         * @return this builder
         */
        public Builder confirms(Duration timeout) {
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("confirm timeout must be positive: " + timeout);
            }
            this.confirmTimeout = timeout;
            return this;
        }

        /**
         * A message no queue receives is an {@link UnroutableException}. To know, a publish
         * waits for the broker's confirm, within the confirm timeout
         * ({@link Producer#DEFAULT_CONFIRM_TIMEOUT} unless set).
         *
         * @param mandatory whether a message must reach a queue
         * @return this builder
         */
        public Builder mandatory(boolean mandatory) {
            this.mandatory = mandatory;
            return this;
        }

        /**
         * A publish that fails for the connection or channel (lost, closed by the broker), a
         * nack, or no confirm within the confirm timeout, is tried again on a new channel (and
         * a new broker connection where the old one is gone), as kombu's
         * {@code publish(retry=True, retry_policy=...)}. Every try carries the same message id:
         * the message's own, or one the producer gives it, so that a consumer can drop the
         * duplicate a lost confirm may cause. After the last try the publish fails with a
         * {@link PublishException} naming the number of tries and the last cause.
         *
         * <p>To know that a try failed, the producer waits for the broker's confirm: retrying
         * turns confirms on, within {@link Producer#DEFAULT_CONFIRM_TIMEOUT} unless
         * {@link #confirms(Duration)} says otherwise. Not retried: a payload that does not
         * encode, an unroutable mandatory message, a refused declaration, and anything inside
         * a JTA transaction, whose outcome the transaction decides (a failure there fails the
         * publish or the commit once, and the transaction rolls back). Only
         * {@link Producer#publish publish} retries; {@link Producer#publishConfirmed
         * publishConfirmed} reports the first failure through its future.
         *
         * @param policy how often and how patiently to try again; null for never (the default)
         * @return this builder
         */
        public Builder retry(RetryPolicy policy) {
            this.retryPolicy = policy;
            return this;
        }

        /**
         * Exchanges this producer needs, as kombu's {@code declare=[...]}: declared before the
         * first publish on each broker connection, and again on a new connection after one was
         * lost (a broker restart forgets non-durable exchanges), or after a publish failed
         * (someone deleted one). Declaring is idempotent; a declaration the broker refuses
         * (other arguments than the broker's) fails the publish with a {@link DeclarationException}.
         *
         * @param exchanges the exchanges to declare, in order
         * @return this builder
         */
        public Builder declare(Exchange... exchanges) {
            for (Exchange exchange : exchanges) {
                declaredExchanges.add(Objects.requireNonNull(exchange, "exchange"));
            }
            return this;
        }

        /**
         * Queues this producer needs, with their bindings and their bindings' exchanges,
         * declared as {@link #declare(Exchange...)} says, after its exchanges. A message then
         * has a queue to go to even if the broker forgot the queue since the last publish.
         *
         * @param queues the named queues to declare, in order
         * @return this builder
         * @throws IllegalArgumentException for a server-named queue, whose name would change on
         *     every declaration
         */
        public Builder declare(Queue... queues) {
            for (Queue queue : queues) {
                if (Objects.requireNonNull(queue, "queue").name().isEmpty()) {
                    throw new IllegalArgumentException("A producer cannot declare a server-named queue: its name "
                            + "would differ on each broker connection; give the queue a name");
                }
            }
            declaredQueues.addAll(Arrays.asList(queues));
            return this;
        }

        /** @return the immutable settings */
        public ProducerSettings build() {
            if ((mandatory || retryPolicy != null) && confirmTimeout == null) {
                confirmTimeout = Producer.DEFAULT_CONFIRM_TIMEOUT;
            }
            return new ProducerSettings(this);
        }
    }
}
