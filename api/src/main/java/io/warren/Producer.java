package io.warren;

import java.time.Duration;
import java.util.Objects;

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

    /** Publishes the payload with the default routing key. */
    void publish(Object payload);

    /** Publishes the payload with that routing key. */
    void publish(Object payload, String routingKey);

    /** Publishes a message with its own properties and headers. */
    void publish(OutgoingMessage message);

    /** @return what this producer was made with */
    Settings settings();

    /** @return a builder of settings for a producer to that exchange ({@code ""} for the default exchange) */
    static Settings.Builder to(String exchange) {
        return new Settings.Builder(exchange);
    }

    /**
     * What a producer publishes to and how: exchange, default routing key, serializer, and whether
     * each publish waits for the broker's confirm or must be routed to a queue.
     */
    final class Settings {
        private final String exchange;
        private final String routingKey;
        private final String serializer;
        private final Duration confirmTimeout;
        private final boolean mandatory;

        private Settings(Builder builder) {
            this.exchange = builder.exchange;
            this.routingKey = builder.routingKey;
            this.serializer = builder.serializer;
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

        /** @return whether each publish waits for the broker's confirm */
        public boolean confirms() {
            return confirmTimeout != null;
        }

        /** @return how long a publish waits for its confirm; null without confirms */
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
                    && Objects.equals(confirmTimeout, that.confirmTimeout) && mandatory == that.mandatory;
        }

        @Override
        public int hashCode() {
            return Objects.hash(exchange, routingKey, serializer, confirmTimeout, mandatory);
        }

        @Override
        public String toString() {
            return "Producer.Settings[exchange='" + exchange + "', routingKey='" + routingKey + "', serializer="
                    + serializer + (confirms() ? ", confirms within " + confirmTimeout : "")
                    + (mandatory ? ", mandatory" : "") + "]";
        }

        /** Builds {@link Settings}. */
        public static final class Builder {
            private final String exchange;
            private String routingKey = "";
            private String serializer = "json";
            private Duration confirmTimeout;
            private boolean mandatory;

            private Builder(String exchange) {
                this.exchange = Objects.requireNonNull(exchange, "exchange");
            }

            /** @param routingKey the routing key used when a publish names none */
            public Builder routingKey(String routingKey) {
                this.routingKey = Objects.requireNonNull(routingKey, "routingKey");
                return this;
            }

            /** @param serializer {@code json} (default), {@code text}, {@code raw}, or a registered name or content type */
            public Builder serializer(String serializer) {
                this.serializer = Objects.requireNonNull(serializer, "serializer");
                return this;
            }

            /**
             * Each publish waits for the broker's confirm; a nack or no answer within the timeout
             * is a {@link PublishException}. Inside a transaction the commit confirms instead.
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
             * waits for the broker's confirm, within the confirm timeout (30 s unless set).
             */
            public Builder mandatory(boolean mandatory) {
                this.mandatory = mandatory;
                return this;
            }

            /** @return the immutable settings */
            public Settings build() {
                if (mandatory && confirmTimeout == null) {
                    confirmTimeout = Duration.ofSeconds(30);
                }
                return new Settings(this);
            }
        }
    }
}
