package io.warren.test.broker;

import com.rabbitmq.client.LongString;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Field-table values as RabbitMQ compares them. */
final class Values {

    private Values() {
    }

    /** @return the value with long strings as Java strings, recursively */
    static Object plain(Object value) {
        if (value instanceof LongString text) {
            return text.toString();
        }
        if (value instanceof List<?> list) {
            List<Object> plain = new ArrayList<>();
            list.forEach(item -> plain.add(plain(item)));
            return plain;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> plain = new LinkedHashMap<>();
            map.forEach((key, item) -> plain.put(String.valueOf(key), plain(item)));
            return plain;
        }
        return value;
    }

    /** @return the value as text, or null when it is no string */
    static String text(Object value) {
        Object plain = plain(value);
        return plain instanceof String text ? text : null;
    }

    /** @return the value as a long, or null when it is no integer */
    static Long integer(Object value) {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        return null;
    }

    /**
     * As the headers exchange compares a binding's value with a message's: integers of any width
     * are one class, floats another; values of different classes never match.
     */
    static boolean sameValue(Object pattern, Object data) {
        Long left = integer(pattern);
        Long right = integer(data);
        if (left != null || right != null) {
            return Objects.equals(left, right);
        }
        if ((pattern instanceof Float || pattern instanceof Double) && (data instanceof Float || data instanceof Double)) {
            return ((Number) pattern).doubleValue() == ((Number) data).doubleValue();
        }
        Object a = plain(pattern);
        Object b = plain(data);
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        return a != null && b != null && a.getClass() == b.getClass() && a.equals(b);
    }

    /** @return whether two declarations' argument values are equivalent: same type and value */
    static boolean equivalent(Object declared, Object existing) {
        if (declared == null || existing == null) {
            return declared == existing;
        }
        Object a = plain(declared);
        Object b = plain(existing);
        return a.getClass() == b.getClass() && a.equals(b);
    }
}
