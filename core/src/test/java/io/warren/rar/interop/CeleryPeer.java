package io.warren.rar.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.rar.harness.Broker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code python3-celery} (5.2) running {@code core/src/test/python/celery_peer.py}: a Celery
 * worker consuming one queue of the test's, and a Celery client that calls a task and prints its
 * result. A Celery that cannot run is a test failure saying how to put it right, never a skip.
 */
final class CeleryPeer implements AutoCloseable {

    private static final String PYTHON = System.getProperty("warren.kombu.python", "/usr/bin/python3");
    private static final Path DIRECTORY = Path.of("src", "test", "python");
    private static final long RUN_LIMIT_SECONDS = 120;

    private final ObjectMapper mapper = new ObjectMapper();
    private Process worker;
    private Path workerLog;

    /**
     * Starts a worker ({@code -P solo}) consuming the queue, and waits until it consumes.
     *
     * @param broker to see the worker's consumer
     */
    void startWorker(String queue, Broker broker, Duration wait) throws IOException {
        workerLog = Files.createTempFile("celery-worker", ".log");
        List<String> command = List.of(PYTHON, "-m", "celery", "-A", "celery_peer", "worker", "-P", "solo", "-Q", queue,
                "-n", queue + "@localhost", "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--loglevel=INFO");
        ProcessBuilder builder = new ProcessBuilder(command).directory(DIRECTORY.toFile())
                .redirectErrorStream(true).redirectOutput(workerLog.toFile());
        builder.environment().put("WARREN_CELERY_QUEUE", queue);
        builder.environment().put("PYTHONPATH", DIRECTORY.toAbsolutePath().toString());
        worker = builder.start();
        Broker.await("a Celery worker consuming " + queue, wait, () -> {
            if (!worker.isAlive()) {
                throw new AssertionError(cannotRun(command, "the worker exited with " + worker.exitValue() + ":\n"
                        + log()));
            }
            try {
                return broker.consumerCount(queue) == 1;
            } catch (RuntimeException e) {
                return false;   // its queue is not declared yet
            }
        }, this::log);
    }

    /** @return what the worker logged so far */
    String log() {
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
    JsonNode call(String queue, String task, String argsJson, String kwargsJson) {
        List<String> command = new ArrayList<>(List.of(PYTHON, "celery_peer.py", "call", queue, task, argsJson,
                kwargsJson));
        try {
            Path output = Files.createTempFile("celery-client", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).directory(DIRECTORY.toFile())
                    .redirectErrorStream(false).redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            Process process = builder.start();
            if (!process.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("The Celery client did not finish within " + RUN_LIMIT_SECONDS + " s: "
                        + command);
            }
            String stdout = Files.readString(output, StandardCharsets.UTF_8);
            Files.delete(output);
            if (process.exitValue() != 0) {
                throw new AssertionError(cannotRun(command, "exit code " + process.exitValue() + ", output: " + stdout));
            }
            return mapper.readTree(stdout);
        } catch (IOException e) {
            throw new AssertionError(cannotRun(command, e.toString()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while the Celery client ran", e);
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
                + "\nThe Celery interop tests need Debian's python3-celery (apt-get install python3-celery; .ci/run "
                + "installs it) and its interpreter " + PYTHON + " (another one: -Dwarren.kombu.python=...)";
    }
}
