package io.warren.rar.tracing;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attributes of Warren's spans: OpenTelemetry's messaging semantic conventions (v1.27 and
 * later, where {@code messaging.operation.type} replaced {@code messaging.operation}) and Warren's
 * own for its span events. The conventions' messaging attributes are still "incubating", so their
 * artifact is not bundled; {@code MessagingAttributesTest} checks these names against it.
 */
final class MessagingAttributes {

    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> DESTINATION_NAME = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> SUBSCRIPTION_NAME =
            AttributeKey.stringKey("messaging.destination.subscription.name");
    static final AttributeKey<String> ROUTING_KEY = AttributeKey.stringKey("messaging.rabbitmq.destination.routing_key");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<Long> BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");

    /** The value of {@link #SYSTEM} for RabbitMQ. */
    static final String RABBITMQ = "rabbitmq";

    /** Span events of Warren's: a retry, a dead letter. */
    static final String RETRY_EVENT = "warren.retry";
    static final String DEAD_LETTER_EVENT = "warren.dead_letter";
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("warren.delivery.attempt");
    static final AttributeKey<Boolean> DELAYED = AttributeKey.booleanKey("warren.retry.delayed");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("warren.reason");
    static final AttributeKey<String> TARGET = AttributeKey.stringKey("warren.dead_letter.target");

    private MessagingAttributes() {
    }
}
