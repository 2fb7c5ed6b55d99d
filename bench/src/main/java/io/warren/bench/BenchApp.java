package io.warren.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The bench's applications inside a server as the bench sees them over HTTP, the same in WildFly
 * and Payara: answers are space-separated numbers, publishing is {@code run.threads()} concurrent
 * requests, consumption is polled until every message came.
 */
final class BenchApp {

    static final Duration BOUND = Duration.ofMinutes(5);

    private final String server;
    private final String root;
    private final Supplier<String> logs;
    // HTTP/1.1: a server may end a long HTTP/2 request with GOAWAY
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * @param server the server's name, for messages
     * @param root   the server's HTTP root, ending in "/"
     * @param logs   where to look when something in the server failed
     */
    BenchApp(String server, String root, Supplier<String> logs) {
        this.server = server;
        this.root = root;
        this.logs = logs;
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(root + path)).timeout(BOUND);
    }

    /** Sends a request and reads the answer's space-separated numbers. */
    long[] numbers(HttpRequest request) throws Exception {
        return numbers(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    private long[] numbers(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException(server + " answered " + response.statusCode() + ": " + response.body());
        }
        String[] parts = response.body().trim().split(" ");
        long[] numbers = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            numbers[i] = Long.parseLong(parts[i]);
        }
        return numbers;
    }

    /**
     * One publishing run through the EJB at {@code path} ("count nanoseconds start" per request),
     * ended when the queue holds every message sent.
     */
    Double publish(String path, Contender.Publishing run) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        long asked = System.nanoTime();
        for (int i = 0; i < run.threads(); i++) {
            calls.add(http.sendAsync(request(path + "?queue=" + run.queue() + "&size=" + run.size() + "&seconds="
                            + run.seconds() + "&max=" + run.maxPerThread() + "&confirms=" + run.confirms())
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()));
        }
        long total = 0;
        long start = Long.MAX_VALUE;
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            long[] outcome = numbers(call.get(BOUND.toSeconds(), TimeUnit.SECONDS));
            total += outcome[0];
            start = Math.min(start, outcome[2]);
        }
        // the server's System.nanoTime() and ours read the same monotonic clock on Linux; should they not, the
        // request time (earlier by the HTTP hop: the server's figure then errs low, never high) stands in
        if (start < asked || start > System.nanoTime()) {
            Bench.log(server + "'s start time is not on this JVM's clock: timing from the HTTP requests instead");
            start = asked;
        }
        return run.arrivals().rate(new Meter.Sent(total, start));
    }

    /** Polls an endpoint answering "count nanoseconds" until count messages came: their rate, first to last. */
    double awaitDeliveries(String path, int count, String who) throws Exception {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (true) {
            long[] seen = numbers(request(path).GET().build());
            if (seen[0] >= count) {
                return (count - 1) * 1e9 / seen[1];
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(who + " received " + seen[0] + " of " + count + " messages within "
                        + BOUND + "; see " + logs.get());
            }
            LockSupport.parkNanos(20_000_000);
        }
    }
}
