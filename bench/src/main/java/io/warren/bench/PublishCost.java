package io.warren.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.rar.harness.Harness;
import io.warren.rar.tracing.Tracing;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * What one publish costs the publishing thread, in CPU time and allocated bytes, rather than in
 * wall-clock time: the machine is shared, and a thread's CPU time and allocation do not depend on
 * what else runs (docs/performance.md, "Cost per publish"). Transient 16 B messages to one queue,
 * on one thread, from the raw amqp-client's {@code basicPublish} on one channel and from Warren's
 * {@link Producer} in the JCA harness (a pool of 8), with and without confirms, one at a time and
 * in batches of {@value #BATCH} ({@link Producer#publishAll}); and Warren's trace span alone, where
 * nothing is traced.
 *
 * <pre>
 * cd bench &amp;&amp; mvn -q -o dependency:build-classpath -Dmdep.outputFile=/tmp/bench.cp &amp;&amp; cd ..
 * java -Xms1g -Xmx1g -XX:+UseG1GC -cp bench/target/classes:$(cat /tmp/bench.cp) io.warren.bench.PublishCost 200000 3
 * </pre>
 */
public final class PublishCost {

    static final int BATCH = 100;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private PublishCost() {
    }

    /** A way of publishing {@code count} messages from the calling thread. */
    private interface Way {
        void publish(int count) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        byte[] body = new byte[16];
        String queue = "bench-publish-cost-" + UUID.randomUUID().toString().substring(0, 8);
        ConnectionFactory rabbit = new ConnectionFactory();
        rabbit.setHost("127.0.0.1");
        try (Connection connection = rabbit.newConnection("bench-publish-cost");
             Harness harness = new Harness(8)) {
            Channel admin = connection.createChannel();
            admin.queueDeclare(queue, false, false, false, null);
            Channel raw = connection.createChannel();
            Channel rawConfirmed = connection.createChannel();
            rawConfirmed.confirmSelect();
            Producer plain = harness.factory().producer(Producer.to("").routingKey(queue).build());
            Producer confirmed = harness.factory().producer(Producer.to("").routingKey(queue)
                    .confirms(Duration.ofSeconds(30)).build());
            OutgoingMessage message = OutgoingMessage.of(body).persistent(false).build();
            List<OutgoingMessage> batch = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                batch.add(message);
            }
            List<String> names = List.of("amqp-client basicPublish", "amqp-client basicPublish, confirm each",
                    "amqp-client basicPublish, confirm per " + BATCH, "Warren publish", "Warren publish, confirms",
                    "Warren publishAll(" + BATCH + ")", "Warren publishAll(" + BATCH + "), confirms",
                    "Warren's tracing alone, nothing traced");
            Tracing tracing = harness.adapter().tracing();
            List<Way> ways = List.of(
                    n -> {
                        for (int i = 0; i < n; i++) {
                            raw.basicPublish("", queue, MessageProperties.MINIMAL_BASIC, body);
                        }
                    },
                    n -> {
                        for (int i = 0; i < n; i++) {
                            rawConfirmed.basicPublish("", queue, MessageProperties.MINIMAL_BASIC, body);
                            rawConfirmed.waitForConfirmsOrDie(30_000);
                        }
                    },
                    n -> {
                        for (int i = 0; i < n; i += BATCH) {
                            for (int j = 0; j < BATCH; j++) {
                                rawConfirmed.basicPublish("", queue, MessageProperties.MINIMAL_BASIC, body);
                            }
                            rawConfirmed.waitForConfirmsOrDie(30_000);
                        }
                    },
                    n -> {
                        for (int i = 0; i < n; i++) {
                            plain.publish(message);
                        }
                    },
                    n -> {
                        for (int i = 0; i < n; i++) {
                            confirmed.publish(message);
                        }
                    },
                    n -> {
                        for (int i = 0; i < n; i += BATCH) {
                            plain.publishAll(batch);
                        }
                    },
                    n -> {
                        for (int i = 0; i < n; i += BATCH) {
                            confirmed.publishAll(batch);
                        }
                    },
                    n -> {
                        for (int i = 0; i < n; i++) {
                            try (Tracing.Span span = tracing.publish("", queue)) {
                                if (span.inject(MessageProperties.MINIMAL_BASIC) != MessageProperties.MINIMAL_BASIC) {
                                    throw new IllegalStateException("a header added where nothing is traced");
                                }
                            }
                        }
                    });
            System.out.printf("%d publishes of %d B per round; CPU time and bytes allocated on the publishing thread%n",
                    count, body.length);
            double[][] cpu = new double[ways.size()][rounds];
            double[][] bytes = new double[ways.size()][rounds];
            for (int w = 0; w < ways.size(); w++) {
                // warm-up: the JIT and the pool's connections
                ways.get(w).publish(Math.min(count, 50_000));
                admin.queuePurge(queue);
            }
            for (int round = 0; round < rounds; round++) {
                for (int w = 0; w < ways.size(); w++) {
                    // turn the order each round, so that no way always follows the same one
                    int at = round % 2 == 0 ? w : ways.size() - 1 - w;
                    long cpuBefore = THREADS.getCurrentThreadCpuTime();
                    long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
                    ways.get(at).publish(count);
                    cpu[at][round] = (THREADS.getCurrentThreadCpuTime() - cpuBefore) / 1000.0 / count;
                    bytes[at][round] = (THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore) / (double) count;
                    System.out.printf(Locale.ROOT, "round %d  %-45s %7.2f µs CPU  %8.1f B%n", round + 1,
                            names.get(at), cpu[at][round], bytes[at][round]);
                    admin.queuePurge(queue);
                }
            }
            System.out.println();
            System.out.println("| publishing | CPU µs/publish (median) | bytes/publish (median) |");
            System.out.println("| --- | ---: | ---: |");
            for (int w = 0; w < ways.size(); w++) {
                System.out.printf(Locale.ROOT, "| %s | %.2f | %.0f |%n", names.get(w), median(cpu[w]), median(bytes[w]));
            }
            admin.queueDelete(queue);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
