package io.warren;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

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
     */
    void publish(OutgoingMessage message);

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
     * producer was built with {@link Settings.Builder#confirms confirms}; the pooled channel goes
     * back to the pool before the broker answers, so that many messages can be in flight. Keep
     * their number bounded (a window of a few hundred per thread, say), as the broker's own
     * flow control does not reach an application that never waits.
     *
     * <p>The future completes when the broker confirms the message, and exceptionally with:
     * <ul>
     * <li>{@link UnroutableException} when the producer is {@link Settings#mandatory() mandatory}
     *     and no queue received the message;</li>
     * <li>{@link PublishException} when the broker nacks it, when no confirm comes within the
     *     producer's confirm timeout ({@link #DEFAULT_CONFIRM_TIMEOUT} when it sets none), or when
     *     the channel or connection closes first; the message may or may not have been routed;</li>
     * <li>{@link PublishException} naming the broker's reason when the broker blocks publishers (a
     *     memory or disk alarm) for longer than the connection's {@code publishBlockedTimeoutMillis};</li>
     * <li>{@link EncodeException} when the payload or a header does not encode;</li>
     * <li>{@link WarrenException} when no pooled channel is to be had.</li>
     * </ul>
     * This method itself never throws: every failure is reported through the future.
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

    /** @return what this producer was made with */
    Settings settings();

    /**
     * @param exchange the exchange's name; {@code ""} for the default exchange
     * @return a builder of settings for a producer to that exchange ({@code ""} for the default exchange)
     */
    static Settings.Builder to(String exchange) {
        return new Settings.Builder(exchange);
    }

    /**
     * What a producer publishes to and how: exchange, default routing key, serializer, compression,
     * and whether each publish waits for the broker's confirm or must be routed to a queue.
     */
    final class Settings {
        private final String exchange;
        private final String routingKey;
        private final String serializer;
        private final String compression;
        private final Duration confirmTimeout;
        private final boolean mandatory;

        private Settings(Builder builder) {
            this.exchange = builder.exchange;
            this.routingKey = builder.routingKey;
            this.serializer = builder.serializer;
            this.compression = builder.compression;
            this.confirmTimeout = builder.confirmTimeout;
            this.mandatory = builder.mandatory;
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

        @Override
        public boolean equals(Object other) {
            return other instanceof Settings that && exchange.equals(that.exchange)
                    && routingKey.equals(that.routingKey) && serializer.equals(that.serializer)
                    && Objects.equals(compression, that.compression)
                    && Objects.equals(confirmTimeout, that.confirmTimeout) && mandatory == that.mandatory;
        }

        @Override
        public int hashCode() {
            return Objects.hash(exchange, routingKey, serializer, compression, confirmTimeout, mandatory);
        }

        @Override
        public String toString() {
            return "Producer.Settings[exchange='" + exchange + "', routingKey='" + routingKey + "', serializer="
                    + serializer + (compression != null ? ", compression=" + compression : "")
                    + (confirms() ? ", confirms within " + confirmTimeout : "")
                    + (mandatory ? ", mandatory" : "") + "]";
        }

        /** Builds {@link Settings}. */
        public static final class Builder {
            private final String exchange;
            private String routingKey = "";
            private String serializer = "json";
            private String compression;
            private Duration confirmTimeout;
            private boolean mandatory;

            private Builder(String exchange) {
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

            /** @return the immutable settings */
            public Settings build() {
                if (mandatory && confirmTimeout == null) {
                    confirmTimeout = DEFAULT_CONFIRM_TIMEOUT;
                }
                return new Settings(this);
            }
        }
    }
}
