package io.warren.test.broker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random topology and what is done on it, generated from a seed: exchanges of every type,
 * queues with TTL, max length, overflow and dead-lettering, queue and exchange-to-exchange
 * bindings with edge-case keys and header tables, publishes, gets settled every way, and now and
 * then an operation RabbitMQ answers with a channel error.
 */
final class Scenario {

    static final List<String> TYPES = List.of("direct", "fanout", "topic", "headers");
    private static final List<String> WORDS = List.of("a", "b", "c", "", "stock", "#", "*");
    private static final List<String> HEADER_KEYS = List.of("h1", "h2", "x-h");

    /** One step; {@link #args} holds what it needs. */
    record Op(String kind, List<Object> args) {
        @Override
        public String toString() {
            return kind + args;
        }
    }

    final String prefix;
    final List<String> exchanges = new ArrayList<>();
    private final Map<String, String> types = new LinkedHashMap<>();
    final List<String> queues = new ArrayList<>();
    final List<Op> ops = new ArrayList<>();
    boolean deadLettering;

    private final Random random;

    Scenario(String prefix, Random random) {
        this.prefix = prefix;
        this.random = random;
        generate();
    }

    String dlq() {
        return prefix + "dlq";
    }

    String dlx() {
        return prefix + "dlx";
    }

    private void generate() {
        int exchangeCount = 1 + random.nextInt(3);
        for (int i = 0; i < exchangeCount; i++) {
            String name = prefix + "x" + i;
            Map<String, Object> args = new LinkedHashMap<>();
            if (i > 0 && random.nextInt(5) == 0) {
                args.put("alternate-exchange", prefix + "x" + random.nextInt(i));
            }
            exchanges.add(name);
            types.put(name, pick(TYPES));
            ops.add(new Op("exchange", List.of(name, types.get(name), args)));
        }
        boolean anyDeadLetters = random.nextInt(3) == 0;
        if (anyDeadLetters) {
            deadLettering = true;
            ops.add(new Op("exchange", List.of(dlx(), random.nextBoolean() ? "fanout" : "topic", Map.of())));
            ops.add(new Op("queue", List.of(dlq(), Map.of())));
            ops.add(new Op("bind", List.of(dlq(), dlx(), "#", Map.of())));
        }
        int queueCount = 1 + random.nextInt(3);
        for (int i = 0; i < queueCount; i++) {
            String name = prefix + "q" + i;
            Map<String, Object> args = new LinkedHashMap<>();
            if (random.nextInt(3) == 0) {
                if (random.nextInt(3) == 0) {
                    args.put("x-max-length-bytes", random.nextInt(7)); // bodies are 2 bytes long
                } else {
                    args.put("x-max-length", random.nextInt(4));
                }
                args.put("x-overflow", pick(List.of("drop-head", "reject-publish", "reject-publish-dlx")));
            }
            if (anyDeadLetters && random.nextBoolean()) {
                args.put("x-dead-letter-exchange", dlx());
                if (random.nextBoolean()) {
                    args.put("x-dead-letter-routing-key", "dl." + i);
                }
            }
            if (random.nextInt(8) == 0) {
                args.put("x-message-ttl", 0);
            }
            queues.add(name);
            ops.add(new Op("queue", List.of(name, args)));
        }
        for (String queue : queues) {
            int bindings = random.nextInt(4);
            for (int i = 0; i < bindings; i++) {
                ops.add(new Op("bind", List.of(queue, pick(exchanges), bindingKey(), bindingArgs())));
            }
        }
        int exchangeBindings = exchanges.size() > 1 ? random.nextInt(3) : 0;
        for (int i = 0; i < exchangeBindings; i++) {
            ops.add(new Op("xbind", List.of(pick(exchanges), pick(exchanges), bindingKey(), bindingArgs())));
        }
        int messages = 1 + random.nextInt(8);
        List<Op> actions = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            actions.add(publish("m" + i));
        }
        int gets = random.nextInt(4);
        for (int i = 0; i < gets; i++) {
            actions.add(random.nextInt(actions.size() + 1),
                    new Op("get", List.of(pick(queues), pick(List.of("ack", "nack-requeue", "nack-drop", "reject-requeue",
                            "reject-drop", "requeue-twice")))));
        }
        if (random.nextInt(8) == 0) {
            actions.add(random.nextInt(actions.size() + 1), error());
        }
        ops.addAll(actions);
    }

    private Op publish(String body) {
        String exchange = random.nextInt(8) == 0 ? "" : pick(exchanges);
        String key = exchange.isEmpty() ? pick(queues) : routingKey();
        Map<String, Object> headers = headers();
        if (random.nextInt(10) == 0) {
            headers.put("CC", List.of(routingKey()));
        }
        String expiration = random.nextInt(10) == 0 ? "0" : "";
        return new Op("publish", List.of(exchange, key, random.nextBoolean(), headers, expiration, body));
    }

    private Op error() {
        return switch (random.nextInt(6)) {
            case 0 -> new Op("publish", List.of(prefix + "missing", "k", false, Map.of(), "", "lost"));
            case 1 -> new Op("queue", List.of(pick(queues), Map.of("x-max-length", 99)));
            case 2 -> {
                String exchange = pick(exchanges);
                String other = TYPES.get((TYPES.indexOf(types.get(exchange)) + 1) % TYPES.size());
                yield new Op("exchange", List.of(exchange, other, Map.of()));
            }
            case 3 -> new Op("bind", List.of(pick(queues), prefix + "missing", "k", Map.of()));
            case 4 -> new Op("bind", List.of(prefix + "missing-queue", pick(exchanges), "k", Map.of()));
            default -> new Op("ack", List.of(999L));
        };
    }

    private String routingKey() {
        int words = random.nextInt(4);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < words; i++) {
            parts.add(pick(WORDS.subList(0, 5)));
        }
        return String.join(".", parts);
    }

    private String bindingKey() {
        int words = random.nextInt(4);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < words; i++) {
            parts.add(pick(WORDS));
        }
        return String.join(".", parts);
    }

    private Map<String, Object> headers() {
        Map<String, Object> headers = new LinkedHashMap<>();
        int count = random.nextInt(3);
        for (int i = 0; i < count; i++) {
            headers.put(pick(HEADER_KEYS), headerValue(false));
        }
        return headers;
    }

    private Map<String, Object> bindingArgs() {
        Map<String, Object> args = new LinkedHashMap<>();
        int count = random.nextInt(3);
        for (int i = 0; i < count; i++) {
            args.put(pick(HEADER_KEYS), headerValue(true));
        }
        if (random.nextInt(4) != 0) {
            args.put("x-match", pick(List.of("all", "any", "all-with-x", "any-with-x")));
        }
        return args;
    }

    private Object headerValue(boolean mayBeVoid) {
        return switch (random.nextInt(mayBeVoid ? 6 : 5)) {
            case 0 -> 1;
            case 1 -> 1L;
            case 2 -> "1";
            case 3 -> "v";
            case 4 -> true;
            default -> new VoidValue();
        };
    }

    /** A header value of type void: the binding asks only that the header be present. */
    static final class VoidValue {
        @Override
        public String toString() {
            return "void";
        }
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
