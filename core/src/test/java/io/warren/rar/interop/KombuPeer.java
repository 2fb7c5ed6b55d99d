package io.warren.rar.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code core/src/test/python/kombu_peer.py} with Debian's {@code python3-kombu}, and for the
 * {@link #FORMATS} cases its {@code python3-msgpack}, {@code python3-brotli} and
 * {@code python3-zstandard}. A peer that cannot run is a test failure that says how to put it
 * right, never a skip: interop that is not tested would regress unseen.
 */
final class KombuPeer {

    /** Debian's interpreter, where python3-kombu installs; a python3 earlier on the PATH may lack kombu. */
    private static final String DEBIAN_PYTHON = System.getProperty("warren.kombu.python", "/usr/bin/python3");
    private static final Path SCRIPT = Path.of("src", "test", "python", "kombu_peer.py");
    private static final long RUN_LIMIT_SECONDS = 120;

    private final ObjectMapper mapper = new ObjectMapper();
    private final String python;

    KombuPeer() {
        this(DEBIAN_PYTHON);
    }

    KombuPeer(String python) {
        this.python = python;
    }

    /** kombu's JSON, text, data, zlib, bzip2, lzma, headers and properties, read with its default accept list. */
    static final String BASICS = "basics";
    /** msgpack, brotli, zstd and typed JSON, read by a kombu consumer that accepts msgpack. */
    static final String FORMATS = "formats";

    /** Publishes every basic kombu case to the queue. @return the case ids kombu sent */
    List<String> send(String queue) {
        return send(queue, BASICS);
    }

    /** Publishes every kombu case of the set to the queue. @return the case ids kombu sent */
    List<String> send(String queue, String caseSet) {
        List<String> sent = new ArrayList<>();
        run("send", queue, caseSet).get("sent").forEach(node -> sent.add(node.asText()));
        return sent;
    }

    /** Takes {@code count} messages from the queue with kombu. @return kombu's report: problems per case */
    JsonNode receive(String queue, int count) {
        return receive(queue, count, BASICS);
    }

    /** Takes {@code count} messages of the set's cases from the queue with kombu. @return problems per case */
    JsonNode receive(String queue, int count, String caseSet) {
        return run("receive", queue, Integer.toString(count), caseSet);
    }

    private JsonNode run(String... arguments) {
        if (!Files.isRegularFile(SCRIPT)) {
            throw new AssertionError("The kombu peer script is missing: " + SCRIPT.toAbsolutePath());
        }
        List<String> command = new ArrayList<>(List.of(python, SCRIPT.toString()));
        command.addAll(List.of(arguments));
        Process process;
        try {
            Path output = Files.createTempFile("kombu-peer", ".out");
            Path errors = Files.createTempFile("kombu-peer", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile())
                    .redirectError(errors.toFile());
            builder.environment().put("PYTHONIOENCODING", "utf-8");
            process = builder.start();
            if (!process.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("The kombu peer did not finish within " + RUN_LIMIT_SECONDS + " s: " + command);
            }
            String stdout = Files.readString(output, StandardCharsets.UTF_8);
            String stderr = Files.readString(errors, StandardCharsets.UTF_8);
            Files.delete(output);
            Files.delete(errors);
            if (process.exitValue() != 0) {
                throw new AssertionError(cannotRun(command, "exit code " + process.exitValue() + ":\n" + stderr));
            }
            return mapper.readTree(stdout);
        } catch (IOException e) {
            throw new AssertionError(cannotRun(command, e.toString()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted while the kombu peer ran", e);
        }
    }

    private String cannotRun(List<String> command, String why) {
        return "The kombu peer could not run (" + String.join(" ", command) + "): " + why
                + "\nThe interop tests need Debian's python3-kombu, python3-msgpack, python3-brotli and python3-zstandard"
                + " (apt-get install python3-kombu python3-msgpack python3-brotli python3-zstandard; .ci/run installs them)"
                + " and its interpreter " + python + " (another one: -Dwarren.kombu.python=...)";
    }
}
