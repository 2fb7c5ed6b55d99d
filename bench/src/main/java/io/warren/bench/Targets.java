package io.warren.bench;

import java.util.List;
import java.util.Locale;

/** The report's last table: every target of the benchmark, met or not, figure by figure. */
final class Targets {

    private Targets() {
    }

    static String table(Bench.Results results) {
        StringBuilder md = new StringBuilder("## Targets\n\n| target | size | figure | met |\n| --- | --- | --- | --- |\n");
        for (int size : Bench.SIZES) {
            double pub = Report.medianRate(results, Bench.Results.PUBLISH, size, Report.WARREN);
            target(md, "publish ≥ 0.95× amqp-client", size, pub / Report.raw(results, Bench.Results.PUBLISH, size), 0.95);
            target(md, "publish ahead of Spring's RabbitTemplate", size,
                    pub / Report.medianRate(results, Bench.Results.PUBLISH, size, Report.SPRING), 1.0);
            target(md, "confirmed publish ≥ 0.9× amqp-client async confirms", size,
                    Report.medianRate(results, Bench.Results.CONFIRMS, size, Report.WARREN)
                            / Report.raw(results, Bench.Results.CONFIRMS, size), 0.9);
            double consume = Report.medianRate(results, Bench.Results.CONSUME, size, Report.WARREN)
                    / Report.raw(results, Bench.Results.CONSUME, size);
            target(md, "MDB consumption ≥ 0.9× amqp-client acking each", size, consume, 0.9);
            target(md, "MDB consumption ≥ 1.5× amqp-client acking each (ack coalescing)", size, consume, 1.5);
            double p50 = (Report.medianLatency(results, size, Report.WARREN, 0)
                    - Report.medianLatency(results, size, Report.RAW, 0)) / 1000;
            if (Double.isNaN(p50)) {
                // latency not run
                continue;
            }
            md.append("| latency p50 within 0.2 ms of amqp-client | ").append(Report.sizeName(size)).append(" | ")
                    .append(String.format(Locale.ROOT, "%+.3f ms", p50)).append(" | ").append(p50 <= 0.2 ? "yes" : "**no**")
                    .append(" |\n");
            double p99 = Report.medianLatency(results, size, Report.WARREN, 1)
                    / Report.medianLatency(results, size, Report.RAW, 1);
            md.append("| latency p99 ≤ 1.2× amqp-client | ").append(Report.sizeName(size)).append(" | ").append(Report.ratio(p99))
                    .append(" | ").append(p99 <= 1.2 ? "yes" : "**no**").append(" |\n");
        }
        inServerTargets(results, md);
        if (results.heap != null) {
            List<Bench.Heap.Sample> samples = results.heap.samples();
            double first = samples.size() > 1 ? samples.get(1).usedMiB() : samples.get(0).usedMiB();
            double last = samples.get(samples.size() - 1).usedMiB();
            md.append(String.format(Locale.ROOT, "| heap flat | 1 KiB | %.1f → %.1f MiB after GC over %,d messages | %s |%n",
                    first, last, results.heap.messages(), last - first < 8 ? "yes" : "**no**"));
        }
        return md.append('\n').toString();
    }

    /**
     * Warren inside a server: an EJB publishing at ≥ 0.95× the raw client (≥ 0.9× with confirms), a
     * transacted MDB at ≥ 0.9× the raw consumer acking each message, one without a transaction at ≥ 1.2×.
     */
    private static void inServerTargets(Bench.Results results, StringBuilder md) {
        List<String> inServers = results.rates.values().stream().flatMap(bySize -> bySize.values().stream())
                .flatMap(byContender -> byContender.keySet().stream()).filter(c -> c.startsWith(Report.IN_SERVER)).distinct().toList();
        for (String contender : inServers) {
            boolean transacted = !contender.endsWith(", not transacted");
            for (int size : Bench.SIZES) {
                if (transacted) {
                    target(md, contender + ": EJB publish ≥ 0.95× amqp-client", size,
                            Report.medianRate(results, Bench.Results.PUBLISH, size, contender)
                                    / Report.raw(results, Bench.Results.PUBLISH, size), 0.95);
                    target(md, contender + ": EJB confirmed publish ≥ 0.9× amqp-client", size,
                            Report.medianRate(results, Bench.Results.CONFIRMS, size, contender)
                                    / Report.raw(results, Bench.Results.CONFIRMS, size), 0.9);
                }
                target(md, contender + (transacted ? ": transacted MDB ≥ 0.9×" : ": MDB ≥ 1.2×")
                                + " amqp-client acking each", size,
                        Report.medianRate(results, Bench.Results.CONSUME, size, contender)
                                / Report.raw(results, Bench.Results.CONSUME, size), transacted ? 0.9 : 1.2);
            }
        }
    }

    /** A scenario left out of the run has no row. */
    private static void target(StringBuilder md, String what, int size, double ratio, double goal) {
        if (Double.isNaN(ratio)) {
            return;
        }
        md.append("| ").append(what).append(" | ").append(Report.sizeName(size)).append(" | ").append(Report.ratio(ratio)).append(" | ")
                .append(ratio >= goal ? "yes" : "**no**").append(" |\n");
    }
}
