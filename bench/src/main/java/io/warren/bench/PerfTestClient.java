package io.warren.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RabbitMQ PerfTest ({@code com.rabbitmq:perf-test}), the broker's ceiling: its main class in a
 * child JVM on the benchmark's own class path, with the same sizes, threads, prefetch and queue.
 * Publishing, it runs one second longer than asked, and its rate is the mean of its per-second
 * rates after that first second (its own average would include its start): what it sent, as
 * PerfTest counts it, into a queue of its own capped at {@value Bench#PERFTEST_QUEUE_CAP} messages
 * (drop-head), not counted at the queue as the other contenders are: it runs for seconds
 * whatever it is told, and at 64 KiB an uncapped queue would take gigabytes of the broker's memory. Consuming, PerfTest
 * does not stop when a prefilled queue is empty, so the queue holds {@value #CONSUME_FILL_FACTOR}
 * times the messages, it runs 3 s, and its rate is the mean of the per-second rates of the
 * seconds after the first that ended with messages still in the queue (the first second too if
 * there is no other; if it emptied the queue within the first second, the rate is the fill over
 * one second: a lower bound, logged). Its
 * latencies are the medians of its per-second percentiles after a 2 s warm-up (it reports no
 * p99.9).
 */
final class PerfTestClient implements Contender {

    /** How many times the messages of the other contenders the queue holds for PerfTest's consumption. */
    static final double CONSUME_FILL_FACTOR = 3;
    private static final Pattern SENDING = Pattern.compile("time (\\d+\\.\\d+) s, sent: (\\d+) msg/s");
    private static final Pattern RECEIVING = Pattern.compile("time (\\d+\\.\\d+) s, (?:sent: \\d+ msg/s, )?received: (\\d+) msg/s");
    private static final Pattern LATENCY = Pattern.compile(
            "time (\\d+\\.\\d+) s.*consumer latency: (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) µs");

    private final int multiAckEvery;

    /** @param multiAckEvery 0 to ack each message, else ack with multiple every that many */
    PerfTestClient(int multiAckEvery) {
        this.multiAckEvery = multiAckEvery;
    }

    @Override
    public String name() {
        return multiAckEvery == 0 ? "PerfTest" : "PerfTest (multi-ack " + multiAckEvery + ")";
    }

    private static List<String> common(String queue, int size) {
        return new ArrayList<>(List.of("-u", queue, "-p", "-e", "", "-k", queue, "-s", Integer.toString(size)));
    }

    @Override
    public Double publish(Publishing run) throws Exception {
        if (multiAckEvery != 0) {
            return null;
        }
        List<String> args = common(run.queue(), run.size());
        args.addAll(List.of("-x", Integer.toString(run.threads()), "-y", "0",
                "-z", Long.toString(1 + Math.max(1, Math.round(run.seconds())))));
        if (run.confirms()) {
            args.addAll(List.of("-c", Integer.toString(RawClient.CONFIRM_WINDOW)));
        }
        return rate(run(args), SENDING);
    }

    @Override
    public Double consume(String queue, int size, int count, int consumers, int prefetch) throws Exception {
        List<String> args = common(queue, size);
        args.addAll(List.of("-x", "0", "-y", Integer.toString(consumers), "-q", Integer.toString(prefetch),
                "-z", "3"));
        if (multiAckEvery != 0) {
            args.addAll(List.of("-A", Integer.toString(multiAckEvery)));
        }
        List<String> output = run(args);
        double fill = count * CONSUME_FILL_FACTOR;
        double consumed = 0;
        double previous = 0;
        List<Double> rates = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        for (String line : output) {
            Matcher matcher = RECEIVING.matcher(line);
            if (matcher.find()) {
                double time = Double.parseDouble(matcher.group(1));
                double rate = Double.parseDouble(matcher.group(2));
                consumed += rate * (time - previous);
                previous = time;
                if (consumed <= 0.95 * fill) {
                    rates.add(rate);
                    if (time > 1.5) {
                        warm.add(rate);
                    }
                }
            }
        }
        if (!warm.isEmpty()) {
            return warm.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        }
        if (rates.isEmpty()) {
            System.err.println("PerfTest emptied the queue of " + (long) fill + " messages within its first second: "
                    + "its rate is reported as that lower bound");
            return fill;
        }
        return rates.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    @Override
    public double[] latency(String queue, int size, int rate, double seconds, int prefetch) throws Exception {
        if (multiAckEvery != 0) {
            return null;
        }
        List<String> args = common(queue, size);
        args.addAll(List.of("-x", "1", "-y", "1", "-r", Integer.toString(rate), "-q", Integer.toString(prefetch),
                "-z", Long.toString(2 + Math.max(1, Math.round(seconds)))));
        List<double[]> seconds1 = new ArrayList<>();
        for (String line : run(args)) {
            Matcher matcher = LATENCY.matcher(line);
            if (matcher.find() && Double.parseDouble(matcher.group(1)) > 2.5) {
                seconds1.add(new double[] {Double.parseDouble(matcher.group(3)), Double.parseDouble(matcher.group(6))});
            }
        }
        if (seconds1.isEmpty()) {
            throw new IllegalStateException("PerfTest printed no latency");
        }
        return new double[] {median(seconds1, 0), median(seconds1, 1), Double.NaN};
    }

    private static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(row -> row[column]).sorted().toArray();
        return values[values.length / 2];
    }

    /** @return the mean per-second rate after the first second, leaving out seconds under half the best (a dry queue) */
    private static double rate(List<String> output, Pattern pattern) {
        List<Double> rates = new ArrayList<>();
        for (String line : output) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find() && Double.parseDouble(matcher.group(1)) > 1.5) {
                rates.add(Double.parseDouble(matcher.group(2)));
            }
        }
        double best = rates.stream().mapToDouble(Double::doubleValue).max()
                .orElseThrow(() -> new IllegalStateException("PerfTest printed no rate: " + String.join("\n", output)));
        return rates.stream().mapToDouble(Double::doubleValue).filter(rate -> rate >= best / 2).average().orElseThrow();
    }

    private static List<String> run(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(Arrays.asList(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "com.rabbitmq.perf.PerfTest"));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                lines.add(line);
            }
        }
        if (!process.waitFor(400, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("PerfTest did not end");
        }
        return lines;
    }
}
