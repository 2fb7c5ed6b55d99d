package io.warren.rar.inbound;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the text of activation properties into typed AMQP argument values, reporting what it
 * cannot read into the caller's list of problems, each naming its property.
 */
final class ArgumentText {

    private ArgumentText() {
    }

    /**
     * Reads {@code name=value} pairs separated by commas. A whole number is sent as a long,
     * {@code true}/{@code false} as a boolean, anything else as text: RabbitMQ checks the type of
     * arguments such as {@code x-max-priority}, and a number sent as text is refused.
     */
    static Map<String, Object> pairs(String property, String text, List<String> problems) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return arguments;
        }
        for (String pair : text.split(",")) {
            String[] parts = pair.split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                problems.add(property + ": '" + pair.trim() + "' is not name=value (for example x-max-priority=10)");
                continue;
            }
            arguments.put(parts[0].trim(), typed(parts[1].trim()));
        }
        return arguments;
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

    /**
     * Reads a stream offset as RabbitMQ takes it in {@code x-stream-offset}: a name, an offset
     * number, or a point in time (sent as an AMQP timestamp, in whole seconds).
     *
     * @return the value for the consume arguments, or null after reporting a problem
     */
    static Object streamOffset(String property, String text, List<String> problems) {
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
            problems.add(property + ": '" + value + "' must be first, last, next, an offset number, or a time "
                    + "such as 2026-11-30T12:00:00Z");
            return null;
        }
    }
}
