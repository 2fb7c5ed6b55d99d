package io.warren.test.broker;

/**
 * An error the broker answers a method with, as RabbitMQ would: a channel error closes the
 * channel with the code and text, a connection error the whole connection.
 */
final class AmqpError extends RuntimeException {

    static final int NOT_FOUND = 404;
    static final int ACCESS_REFUSED = 403;
    static final int RESOURCE_LOCKED = 405;
    static final int PRECONDITION_FAILED = 406;
    static final int COMMAND_INVALID = 503;
    static final int CHANNEL_ERROR = 504;
    static final int NOT_IMPLEMENTED = 540;

    final int code;
    final boolean connectionLevel;

    private AmqpError(int code, String text, boolean connectionLevel) {
        super(text);
        this.code = code;
        this.connectionLevel = connectionLevel;
    }

    static AmqpError channel(int code, String text) {
        return new AmqpError(code, name(code) + " - " + text, false);
    }

    static AmqpError connection(int code, String text) {
        return new AmqpError(code, name(code) + " - " + text, true);
    }

    static AmqpError noExchange(String exchange) {
        return channel(NOT_FOUND, "no exchange '" + exchange + "' in vhost '/'");
    }

    static AmqpError noQueue(String queue) {
        return channel(NOT_FOUND, "no queue '" + queue + "' in vhost '/'");
    }

    private static String name(int code) {
        return switch (code) {
            case NOT_FOUND -> "NOT_FOUND";
            case ACCESS_REFUSED -> "ACCESS_REFUSED";
            case RESOURCE_LOCKED -> "RESOURCE_LOCKED";
            case PRECONDITION_FAILED -> "PRECONDITION_FAILED";
            case COMMAND_INVALID -> "COMMAND_INVALID";
            case CHANNEL_ERROR -> "CHANNEL_ERROR";
            default -> "NOT_IMPLEMENTED";
        };
    }
}
