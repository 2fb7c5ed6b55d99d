package io.warren.test.broker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The matching rules of topic and headers exchanges, as RabbitMQ 3.10 applies them. */
final class Routing {

    private Routing() {
    }

    /** @return the words of a topic key; the empty key has none, "a..b" has an empty middle word */
    static List<String> words(String key) {
        return key.isEmpty() ? List.of() : Arrays.asList(key.split("\\.", -1));
    }

    /** {@code *} stands for exactly one word (empty words too), {@code #} for zero or more. */
    static boolean topicMatches(String bindingKey, String routingKey) {
        return matches(words(bindingKey), 0, words(routingKey), 0);
    }

    private static boolean matches(List<String> pattern, int p, List<String> words, int w) {
        if (p == pattern.size()) {
            return w == words.size();
        }
        String word = pattern.get(p);
        if (word.equals("#")) {
            for (int skip = w; skip <= words.size(); skip++) {
                if (matches(pattern, p + 1, words, skip)) {
                    return true;
                }
            }
            return false;
        }
        if (w == words.size()) {
            return false;
        }
        return (word.equals("*") || word.equals(words.get(w))) && matches(pattern, p + 1, words, w + 1);
    }

    /** @return whether x-match's value is one RabbitMQ accepts (absent means all) */
    static boolean validMatchKind(Object value) {
        if (value == null) {
            return true;
        }
        String kind = Values.text(value);
        return kind != null && List.of("all", "any", "all-with-x", "any-with-x").contains(kind);
    }

    /**
     * The headers exchange: binding arguments other than {@code x-} ones (all but x-match with the
     * {@code -with-x} kinds) must all (or any) be present in the message's headers with a value of
     * the same class; a binding value of void only asks for presence. No arguments: all matches
     * every message, any none.
     */
    static boolean headersMatch(Map<String, Object> bindingArgs, Map<String, Object> headers) {
        String kind = bindingArgs == null ? null : Values.text(bindingArgs.get("x-match"));
        boolean any = kind != null && kind.startsWith("any");
        boolean withX = kind != null && kind.endsWith("-with-x");
        List<Map.Entry<String, Object>> pattern = new ArrayList<>();
        if (bindingArgs != null) {
            new TreeMap<>(bindingArgs).forEach((key, value) -> {
                if (key.equals("x-match") || (!withX && key.startsWith("x-"))) {
                    return;
                }
                pattern.add(Map.entry(key, value == null ? VOID : value));
            });
        }
        boolean all = true;
        boolean anyMatched = false;
        for (Map.Entry<String, Object> wanted : pattern) {
            boolean present = headers != null && headers.containsKey(wanted.getKey());
            boolean matched = present && (wanted.getValue() == VOID
                    || Values.sameValue(wanted.getValue(), headers.get(wanted.getKey())));
            all &= matched;
            anyMatched |= matched;
        }
        return any ? anyMatched : all;
    }

    private static final Object VOID = new Object();
}
