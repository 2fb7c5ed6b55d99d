package io.warren.testnode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code python3-celery} (5.2) running the harness's {@code celery_peer.py}
 * ({@code core/src/test/python}): a Celery worker consuming one queue of the test's, and a Celery
 * client that calls a task and prints its result. A Celery that cannot run fails the test saying
 * how to put it right; it never skips. The interpreter is {@code -Dwarren.kombu.python}'s, or
 * {@code /usr/bin/python3}.
 */
public final class CeleryPeer implements AutoCloseable {

    private static final String PYTHON = System.getProperty("warren.kombu.python", "/usr/bin/python3");
    private static final long RUN_LIMIT_SECONDS = 120;

    private final Path directory;
    private final ObjectMapper mapper = new ObjectMapper();
    private Process worker;
    private Path workerLog;

    /** @param directory where {@code celery_peer.py} is; a missing script fails here, naming the path */
    public CeleryPeer(Path directory) {
        if (!Files.isRegularFile(directory.resolve("celery_peer.py"))) {
            throw new AssertionError("The Celery peer script is missing: " + directory.toAbsolutePath()
                    + "/celery_peer.py");
        }
        this.directory = directory;
    }

    /**
     * Starts a worker ({@code -P solo}) consuming the queue, and waits (bounded) until it consumes.
     *
     * @param consumers the queue's consumers on the broker; it may fail while the queue is not declared yet
     */
    public void startWorker(String queue, Duration wait, Callable<Integer> consumers) throws IOException {
        workerLog = Files.createTempFile("celery-worker", ".log");
        List<String> command = List.of(PYTHON, "-m", "celery", "-A", "celery_peer", "worker", "-P", "solo", "-Q", queue,
                "-n", queue + "@localhost", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--loglevel=INFO");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(workerLog.toFile());
        builder.environment().put("WARREN_CELERY_QUEUE", queue);
        builder.environment().put("PYTHONPATH", directory.toAbsolutePath().toString());
        try {
            worker = builder.start();
        } catch (IOException e) {
            throw new AssertionError(cannotRun(command, e.toString()), e);
        }
        Await.until("a Celery worker consuming " + queue, wait, () -> {
            if (!worker.isAlive()) {
                throw new AssertionError(cannotRun(command, "the worker exited with " + worker.exitValue() + ":\n"
                        + log()));
            }
            try {
                return consumers.call() == 1;
            } catch (Exception notYet) {
                return false;   // its queue is not declared yet
            }
        }, this::log);
    }

    /** @return what the worker logged so far */
    public String log() {
        try {
            return workerLog == null ? "" : Files.readString(workerLog, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(its log cannot be read: " + e + ")";
        }
    }

    /**
     * Calls a task with Celery's {@code app.send_task(task, args, kwargs, queue=queue).get(timeout=60)}.
     *
     * @return {"result": ...} or {"error_type", "error_module", "error_args"} of what {@code get} raised
     */
    public JsonNode call(String queue, String task, String argsJson, String kwargsJson) throws IOException {
        List<String> command = List.of(PYTHON, "celery_peer.py", "call", queue, task, argsJson, kwargsJson);
        Path output = Files.createTempFile("celery-client", ".out");
        Path errors = Files.createTempFile("celery-client", ".err");
        try {
            Process process;
            try {
                process = new ProcessBuilder(command).directory(directory.toFile())
                        .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
            } catch (IOException e) {
                throw new AssertionError(cannotRun(command, e.toString()), e);
            }
            if (!process.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("The Celery client did not finish within " + RUN_LIMIT_SECONDS + " s: "
                        + command);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(cannotRun(command, "exit code " + process.exitValue() + ":\n"
                        + Files.readString(errors, StandardCharsets.UTF_8)));
            }
            return mapper.readTree(Files.readString(output, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while the Celery client ran", e);
        } finally {
            Files.delete(output);
            Files.delete(errors);
        }
    }

    /** Stops the worker (TERM: Celery's warm shutdown), and kills it if it does not stop in time. */
    @Override
    public void close() throws Exception {
        if (worker != null) {
            worker.destroy();
            if (!worker.waitFor(30, TimeUnit.SECONDS)) {
                worker.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (workerLog != null) {
            Files.deleteIfExists(workerLog);
        }
    }

    private static String cannotRun(List<String> command, String why) {
        return "Celery could not run (" + String.join(" ", command) + "): " + why
                + "\nThe Celery tests need Debian's python3-celery (apt-get install python3-celery; .ci/run installs it)"
                + " and its interpreter " + PYTHON + " (another one: -Dwarren.kombu.python=...)";
    }
}
