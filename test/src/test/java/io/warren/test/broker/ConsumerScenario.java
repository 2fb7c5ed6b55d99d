package io.warren.test.broker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random sequence of what consumers do, generated from a seed: classic and quorum queues (with
 * delivery limits and dead-lettering), publishes, {@code basic.qos}, consumers started and
 * cancelled, gets, acks, nacks and rejects, single and {@code multiple}, of the last tag, an
 * earlier one (perhaps settled already), tag 0 or a tag never given, with and without requeue,
 * {@code basic.recover} and channels closed with deliveries outstanding.
 *
 * <p>A channel consumes from one queue at a time: deliveries from two queues to one channel
 * interleave as the queues' processes run in RabbitMQ, and their tags, which later settlements
 * name, would differ from run to run. Two channels may consume from the same queue.
 */
final class ConsumerScenario {

    static final int CHANNELS = 2;

    final String prefix;
    final List<String> queues = new ArrayList<>();
    final Map<String, Map<String, Object>> arguments = new LinkedHashMap<>();
    final List<Scenario.Op> ops = new ArrayList<>();
    boolean deadLettering;

    private final Random random;
    private final String[] consuming = new String[CHANNELS];
    private int messages;

    ConsumerScenario(String prefix, Random random) {
        this.prefix = prefix;
        this.random = random;
        generate();
    }

    String dlq() {
        return prefix + "dlq";
    }

    boolean quorum(String queue) {
        return "quorum".equals(arguments.get(queue).get("x-queue-type"));
    }

    private void generate() {
        deadLettering = random.nextInt(3) == 0;
        int queueCount = 1 + random.nextInt(2);
        for (int i = 0; i < queueCount; i++) {
            String name = prefix + "q" + i;
            Map<String, Object> args = new LinkedHashMap<>();
            if (random.nextInt(3) == 0) {
                args.put("x-queue-type", "quorum");
                if (random.nextInt(3) == 0) {
                    args.put("x-delivery-limit", random.nextInt(3));
                }
            }
            if (deadLettering && random.nextBoolean()) {
                args.put("x-dead-letter-exchange", "");
                args.put("x-dead-letter-routing-key", dlq());
            }
            queues.add(name);
            arguments.put(name, args);
        }
        int actions = 6 + random.nextInt(14);
        for (int i = 0; i < actions; i++) {
            ops.add(action());
        }
    }

    private Scenario.Op action() {
        int channel = random.nextInt(CHANNELS);
        int roll = random.nextInt(100);
        if (roll < 25) {
            return new Scenario.Op("publish", List.of(pick(queues), "m" + messages++));
        }
        if (roll < 33) {
            return new Scenario.Op("qos", List.of(channel, random.nextInt(4)));
        }
        if (roll < 47) {
            if (consuming[channel] != null) {
                String queue = consuming[channel];
                consuming[channel] = null;
                return new Scenario.Op("cancel", List.of(channel, queue));
            }
            consuming[channel] = pick(queues);
            return new Scenario.Op("consume", List.of(channel, consuming[channel], random.nextInt(8) == 0));
        }
        if (roll < 55) {
            return new Scenario.Op("get", List.of(channel, pick(queues)));
        }
        if (roll < 92) {
            return settlement(channel);
        }
        if (roll < 95) {
            return new Scenario.Op("recover", List.of(channel));
        }
        consuming[channel] = null;
        return new Scenario.Op("close", List.of(channel));
    }

    /** An ack, nack or reject; which tag it names is resolved when it runs, from what the channel was given. */
    private Scenario.Op settlement(int channel) {
        String kind = pick(List.of("ack", "ack", "nack", "reject"));
        boolean multiple = !kind.equals("reject") && random.nextInt(5) < 2;
        boolean requeue = random.nextBoolean();
        int roll = random.nextInt(100);
        String which;
        int offset;
        if (roll < 40) {
            which = "last";
            offset = 0;
        } else if (roll < 70) {
            which = "earlier";
            offset = random.nextInt(4);
        } else if (roll < 88) {
            which = "unknown";
            offset = 1 + random.nextInt(3);
        } else {
            which = "zero";
            offset = 0;
        }
        return new Scenario.Op(kind, List.of(channel, which, offset, multiple, requeue));
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
