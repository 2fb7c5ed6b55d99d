package io.warren.bench;

/**
 * Runs one scenario of one contender over and over, to profile it (with JFR, say):
 * {@code java -XX:StartFlightRecording=duration=60s,filename=warren.jfr -cp ... io.warren.bench.Profile consume Warren 16 30}.
 * Arguments: scenario (publish, confirms, consume), contender (amqp-client, Warren, Spring), size in bytes, seconds.
 */
public final class Profile {

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("io.warren").setLevel(java.util.logging.Level.WARNING);
        String scenario = args[0];
        int size = Integer.parseInt(args[2]);
        long until = System.nanoTime() + (long) (Double.parseDouble(args[3]) * 1e9);
        try (RawClient raw = new RawClient(); Admin admin = new Admin()) {
            Contender contender = switch (args[1]) {
                case "amqp-client" -> raw;
                case "Warren" -> new WarrenClient();
                case "Spring" -> new SpringClient();
                default -> throw new IllegalArgumentException(args[1]);
            };
            String queue = admin.declare("profile", 0);
            try {
                while (System.nanoTime() < until) {
                    double rate;
                    if (scenario.equals("consume")) {
                        admin.fill(queue, size, 40_000);
                        rate = contender.consume(queue, size, 40_000, Bench.CONSUMERS, Bench.PREFETCH);
                    } else {
                        rate = contender.publish(new Contender.Publishing(queue, size, Bench.PUBLISH_THREADS,
                                scenario.equals("confirms"), 2, Math.max(64, Bench.PUBLISH_BYTES_PER_RUN / size
                                / Bench.PUBLISH_THREADS / 64 * 64), sent -> admin.awaitArrivals(queue, sent)));
                        admin.purge(queue);
                    }
                    System.out.printf("%s %s %d B: %.0f msg/s%n", scenario, contender.name(), size, rate);
                }
            } finally {
                admin.delete(queue);
                if (contender != raw) {
                    contender.close();
                }
            }
        }
    }
}
