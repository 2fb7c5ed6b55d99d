package io.warren.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Warren's consumption rate for several {@code ackEvery} values (1, 5 %, 10 %, 25 % and 50 % of
 * the prefetch, and 25) at prefetch 50 and 250 (or those given), on a classic and a quorum queue: the MDB-style endpoint
 * of the harness, {@value Bench#CONSUMERS} consumers, 16 B messages (where the ack costs the most
 * next to the delivery). The intervals are interleaved (in order, then reversed, ...) after a
 * warm-up pass; prints every round and the medians as a Markdown table.
 *
 * <p>{@code java -cp ... io.warren.bench.AckInterval [messages per round, default 20000] [rounds, default 3]
 * [prefetches, default 50,250]}
 */
public final class AckInterval {

    private static final int SIZE = 16;

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("io.warren").setLevel(java.util.logging.Level.WARNING);
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int[] prefetches = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {50, 250};
        Map<String, Map<Integer, List<Double>>> rates = new LinkedHashMap<>();
        try (Admin admin = new Admin(); WarrenClient warren = new WarrenClient()) {
            for (String type : List.of("classic", "quorum")) {
                for (int prefetch : prefetches) {
                    // the shares of the prefetch, and 25 (where both prefetches of the first measurement peaked)
                    List<Integer> intervals = new ArrayList<>(new TreeSet<>(Arrays.asList(1, Math.max(1, prefetch * 5 / 100),
                            Math.max(1, prefetch * 10 / 100), Math.max(1, prefetch * 25 / 100), Math.max(1, prefetch / 2),
                            Math.max(1, Math.min(25, prefetch / 2)))));
                    String queue = type.equals("quorum") ? admin.declareQuorum("ack-interval")
                            : admin.declare("ack-interval", 0);
                    Map<Integer, List<Double>> byInterval = new LinkedHashMap<>();
                    rates.put(type + ", prefetch " + prefetch, byInterval);
                    try {
                        for (int every : intervals) {
                            consume(admin, warren, queue, count / 4, prefetch, every);
                        }
                        for (int round = 0; round < rounds; round++) {
                            List<Integer> order = new ArrayList<>(intervals);
                            if (round % 2 == 1) {
                                Collections.reverse(order);
                            }
                            for (int every : order) {
                                double rate = consume(admin, warren, queue, count, prefetch, every);
                                byInterval.computeIfAbsent(every, key -> new ArrayList<>()).add(rate);
                                Bench.log(String.format("%s prefetch %d ackEvery %d round %d: %.0f msg/s", type,
                                        prefetch, every, round + 1, rate));
                            }
                        }
                    } finally {
                        admin.delete(queue);
                    }
                }
            }
        }
        System.out.println("| queue, prefetch | ackEvery | msg/s (median) | rounds |");
        System.out.println("| --- | --- | --- | --- |");
        rates.forEach((setting, byInterval) -> byInterval.forEach((every, list) -> {
            double[] sorted = list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            StringBuilder each = new StringBuilder();
            for (double rate : list) {
                each.append(each.isEmpty() ? "" : ", ").append(String.format("%.0f", rate));
            }
            System.out.printf("| %s | %d | %.0f | %s |%n", setting, every, sorted[sorted.length / 2], each);
        }));
    }

    private static double consume(Admin admin, WarrenClient warren, String queue, int count, int prefetch,
                                  int every) throws Exception {
        admin.fill(queue, SIZE, count);
        Meter.Deliveries deliveries = new Meter.Deliveries(count);
        double rate;
        try (var deployment = warren.deploy(queue, Bench.CONSUMERS, prefetch, every, message -> deliveries.hit())) {
            rate = deliveries.awaitRate(300);
        }
        admin.settle(queue, "Warren ackEvery " + every);
        return rate;
    }
}
