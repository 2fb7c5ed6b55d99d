package io.warren.rar.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What text a property accepts and what it becomes. A property's parse, its range check and the
 * "what would be valid" half of its error message all come from here, so no property hand-writes
 * them.
 */
public final class ValueType {

    /** The values of the properties read so far, for a bound or a default that depends on one. */
    public interface Earlier {
        /** @return the value of a property declared before the one being read; null when it has none */
        Object value(PropertyDeclaration property);
    }

    private interface Reader {
        Object read(String text, Earlier earlier);
    }

    private final Class<?> beanType;
    private final Reader reader;

    private ValueType(Class<?> beanType, Reader reader) {
        this.beanType = beanType;
        this.reader = reader;
    }

    /** @return any text, as it is */
    public static ValueType text() {
        return new ValueType(String.class, (text, earlier) -> text);
    }

    /** @return comma-separated items, trimmed, empty ones dropped */
    public static ValueType list() {
        return new ValueType(String.class, (text, earlier) -> Arrays.stream(text.split(","))
                .map(String::trim).filter(item -> !item.isEmpty()).toList());
    }

    /** @return true or false, in any case */
    public static ValueType bool() {
        return new ValueType(Boolean.class, (text, earlier) -> {
            if (!"true".equalsIgnoreCase(text) && !"false".equalsIgnoreCase(text)) {
                throw invalid(text, "true or false");
            }
            return Boolean.parseBoolean(text);
        });
    }

    /** @return an int from minimum to maximum; {@link Integer#MIN_VALUE} and {@link Integer#MAX_VALUE} mean unbounded */
    public static ValueType wholeNumber(int minimum, int maximum) {
        return new ValueType(Integer.class, (text, earlier) -> wholeNumber(text, minimum, maximum, range(minimum, maximum)));
    }

    /** @return an int from minimum to the value of an earlier int property, which the message names */
    public static ValueType wholeNumberUpTo(int minimum, PropertyDeclaration maximum) {
        return new ValueType(Integer.class, (text, earlier) -> {
            int bound = (Integer) earlier.value(maximum);
            return wholeNumber(text, minimum, bound, " from " + minimum + " to the " + maximum.propertyName()
                    + " (" + bound + ")");
        });
    }

    /** @return a decimal number from minimum to maximum; the note says what the numbers mean */
    public static ValueType decimal(double minimum, double maximum, String note) {
        return new ValueType(Double.class, (text, earlier) -> {
            try {
                double number = Double.parseDouble(text);
                if (number >= minimum && number <= maximum) {
                    return number;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw invalid(text, "a number from " + plain(minimum) + " to " + plain(maximum) + " (" + note + ")");
        });
    }

    /** @return one of the enum's constants, named in lower case and in any case in the text */
    public static <E extends Enum<E>> ValueType oneOf(Class<E> choices) {
        List<String> names = Arrays.stream(choices.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
        String valid = String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        return new ValueType(String.class, (text, earlier) -> {
            for (E choice : choices.getEnumConstants()) {
                if (choice.name().equalsIgnoreCase(text)) {
                    return choice;
                }
            }
            throw invalid(text, valid);
        });
    }

    /**
     * @param parser reads the text, or throws an {@link IllegalArgumentException} whose message
     *     quotes the text and says what would be valid (the API's own parsers do)
     */
    public static ValueType parsedBy(Function<String, ?> parser) {
        return new ValueType(String.class, (text, earlier) -> parser.apply(text));
    }

    /**
     * @return the value the text stands for
     * @throws IllegalArgumentException saying, after the property's name, what is wrong and what would be valid
     */
    public Object read(String text, Earlier earlier) {
        return reader.read(text, earlier);
    }

    /** @return the type the property's JavaBean getter and setter use where the server may pass it typed */
    public Class<?> beanType() {
        return beanType;
    }

    /** @return the message of a bad value: the text quoted, then what would be valid */
    private static IllegalArgumentException invalid(String text, String valid) {
        return new IllegalArgumentException("'" + text + "' must be " + valid);
    }

    private static int wholeNumber(String text, int minimum, int maximum, String range) {
        try {
            int number = Integer.parseInt(text);
            if (number >= minimum && number <= maximum) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(text, "a whole number" + range);
    }

    private static String range(int minimum, int maximum) {
        if (minimum == Integer.MIN_VALUE && maximum == Integer.MAX_VALUE) {
            return "";
        }
        return maximum == Integer.MAX_VALUE ? " from " + minimum + " up" : " from " + minimum + " to " + maximum;
    }

    private static String plain(double number) {
        return number == Math.rint(number) ? Long.toString((long) number) : Double.toString(number);
    }
}
