package io.warren.bench;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/** Counting and timing helpers shared by the contenders, so that each measures the same way. */
final class Meter {

    private Meter() {
    }

    /** Counts deliveries and notes when the first and the last of an expected number arrived. */
    static final class Deliveries {
        private final long expected;
        private final AtomicLong count = new AtomicLong();
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile long first;
        private volatile long last;

        Deliveries(long expected) {
            this.expected = expected;
        }

        void hit() {
            long n = count.incrementAndGet();
            if (n == 1) {
                first = System.nanoTime();
            }
            if (n == expected) {
                last = System.nanoTime();
                done.countDown();
            }
        }

        /** @return messages per second between the first delivery and the last */
        double awaitRate(long timeoutSeconds) throws InterruptedException {
            if (!done.await(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + count.get() + " of " + expected + " deliveries in "
                        + timeoutSeconds + " s");
            }
            return (expected - 1) * 1e9 / (last - first);
        }
    }

    /** Latencies in microseconds from the send time carried in the first 8 bytes of the body. */
    static final class Latencies {
        private final Histogram histogram = new Histogram(60_000_000L, 3);
        private final long skipBefore;
        private final AtomicLong seen = new AtomicLong();

        /** @param warmUp deliveries not recorded at first */
        Latencies(long warmUp) {
            this.skipBefore = warmUp;
        }

        void record(byte[] body) {
            long sent = ByteBuffer.wrap(body, 0, 8).getLong();
            long micros = Math.max(0, (System.nanoTime() - sent) / 1_000);
            if (seen.incrementAndGet() > skipBefore) {
                synchronized (histogram) {
                    histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
                }
            }
        }

        long count() {
            return seen.get();
        }

        double[] percentiles() {
            synchronized (histogram) {
                return new double[] {histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                        histogram.getValueAtPercentile(99.9)};
            }
        }
    }

    /** Sends at a fixed rate from the calling thread: {@code send} gets a fresh body with the send time in it. */
    interface Sender {
        void send(byte[] body) throws Exception;
    }

    static long paced(int size, int rate, double seconds, Sender sender) throws Exception {
        long interval = 1_000_000_000L / rate;
        long total = (long) (rate * seconds);
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            byte[] body = new byte[Math.max(size, 8)];
            ByteBuffer.wrap(body).putLong(System.nanoTime());
            sender.send(body);
        }
        return total;
    }

    /** Waits until the latencies of every message sent are in. */
    static void awaitAll(Latencies latencies, long sent) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (latencies.count() < sent) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + latencies.count() + " of " + sent + " messages arrived");
            }
            Thread.sleep(5);
        }
    }

    /** A body of that size, the same for every contender. */
    static byte[] body(int size) {
        byte[] body = new byte[size];
        new java.util.Random(size).nextBytes(body);
        return body;
    }

    /** What the publishing threads of a run handed to the client, and when the first of them started. */
    record Sent(long messages, long startNanos) {
    }

    /**
     * The end of a publishing run: waits (bounded) until the queue holds every message sent,
     * then gives the rate from the start to that moment.
     */
    interface Arrivals {
        double rate(Sent sent) throws Exception;
    }

    /** A publishing loop: runs until the deadline or {@code max} messages; returns how many it sent. */
    interface Loop {
        long run(long deadlineNanos, long max) throws Exception;
    }

    /** Runs {@code threads} copies of the loop and waits for them; the rate is the arrivals'. */
    static double inThreads(Contender.Publishing run, Loop loop) throws Exception {
        return run.arrivals().rate(inThreads(run.threads(), run.seconds(), run.maxPerThread(), loop));
    }

    static Sent inThreads(int threads, double seconds, long maxPerThread, Loop loop) throws Exception {
        Thread[] workers = new Thread[threads];
        long[] counts = new long[threads];
        Exception[] failures = new Exception[threads];
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[1];
        for (int i = 0; i < threads; i++) {
            int index = i;
            workers[i] = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                    counts[index] = loop.run(window[0], maxPerThread);
                } catch (Exception e) {
                    failures[index] = e;
                }
            }, "bench-publisher-" + i);
            workers[i].start();
        }
        ready.await();
        long start = System.nanoTime();
        window[0] = start + (long) (seconds * 1e9);
        go.countDown();
        long total = 0;
        for (int i = 0; i < threads; i++) {
            workers[i].join();
            if (failures[i] != null) {
                throw failures[i];
            }
            total += counts[i];
        }
        return new Sent(total, start);
    }
}
