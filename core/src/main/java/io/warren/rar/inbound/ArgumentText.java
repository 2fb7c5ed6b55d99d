package io.warren.rar.inbound;

import io.warren.Queue;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the text of the activation properties that become AMQP arguments into typed values: the
 * parsers their {@link ActivationProperty} declarations name. A bad value is an
 * {@link IllegalArgumentException} that quotes it and says what would be valid.
 */
final class ArgumentText {

    private ArgumentText() {
    }

    /**
     * Reads {@code name=value} pairs separated by commas. A whole number is sent as a long,
     * {@code true}/{@code false} as a boolean, anything else as text: RabbitMQ checks the type of
     * arguments such as {@code x-max-priority}, and a number sent as text is refused.
     */
    static Map<String, Object> pairs(String text) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("'" + pair.trim() + "' is not name=value (for example x-max-priority=10)");
            }
            arguments.put(parts[0].trim(), typed(parts[1].trim()));
        }
        return arguments;
    }

    /** Reads the {@code name=value} pairs a headers binding matches, the values as text, as a publisher's headers are. */
    static Map<String, Object> headerPairs(String text) {
        Map<String, Object> pairs = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("'" + pair.trim() + "' is not name=value");
            }
            pairs.put(parts[0].trim(), parts[1].trim());
        }
        return pairs;
    }

    static Object typed(String value) {
        if (value.matches("-?\\d{1,18}")) {
            return Long.parseLong(value);
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        return value;
    }

    /** @return the overflow, checked by the API's own rule so the two cannot differ */
    static String overflow(String text) {
        Queue.builder("check").overflow(text);
        return text;
    }

    /**
     * Reads a stream offset as RabbitMQ takes it in {@code x-stream-offset}: a name, an offset
     * number, or a point in time (sent as an AMQP timestamp, in whole seconds).
     */
    static Object streamOffset(String text) {
        String value = text.trim();
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.equals("first") || lower.equals("last") || lower.equals("next")) {
            return lower;
        }
        if (value.matches("\\d{1,18}")) {
            return Long.parseLong(value);
        }
        try {
            return Date.from(Instant.parse(value));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + value + "' must be first, last, next, an offset number, or a time "
                    + "such as 2026-11-30T12:00:00Z", e);
        }
    }
}
