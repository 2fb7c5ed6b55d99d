package io.warren.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Runs the real kombu publisher ({@code src-it/src/test/python/kombu_publish.py}, Debian's python3-kombu)
 * and waits (bounded) for it: it returns once the broker confirmed the messages. A kombu that cannot
 * run fails the test, saying how to install it; it never skips.
 */
final class KombuPublisher {

    private static final String PYTHON = System.getProperty("warren.kombu.python", "/usr/bin/python3");
    private static final Path SCRIPT = Path.of(System.getProperty("warren.it.kombu.script",
            Path.of("..", "src", "test", "python", "kombu_publish.py").toString()));
    private static final ObjectMapper JSON = new ObjectMapper();

    private KombuPublisher() {
    }

    /**
     * @param options the script's options, e.g. {@code --compression=zstd}
     * @return its report: the headers sent, the table type py-amqp wrote for each, the versions
     */
    static JsonNode publish(List<String> options, String messageId, String... queues) throws Exception {
        if (!Files.isRegularFile(SCRIPT)) {
            throw new AssertionError("The kombu publisher script is missing: " + SCRIPT.toAbsolutePath());
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, SCRIPT.toString()));
        command.addAll(options);
        command.add(messageId);
        command.addAll(List.of(queues));
        Path output = Files.createTempFile("kombu-publish", ".out");
        Path errors = Files.createTempFile("kombu-publish", ".err");
        try {
            Process process;
            try {
                process = new ProcessBuilder(command).redirectOutput(output.toFile()).redirectError(errors.toFile())
                        .start();
            } catch (IOException e) {
                throw new AssertionError(cannotRun(command, e.toString()), e);
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("The kombu publisher did not finish within 60 s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(cannotRun(command, "exit code " + process.exitValue() + ":\n"
                        + Files.readString(errors, StandardCharsets.UTF_8)));
            }
            JsonNode report = JSON.readTree(Files.readString(output, StandardCharsets.UTF_8));
            assertInstanceOf(String.class, report.at("/sent").textValue(), "the publisher's report: " + report);
            return report;
        } finally {
            Files.delete(output);
            Files.delete(errors);
        }
    }

    private static String cannotRun(List<String> command, String why) {
        return "The kombu publisher could not run (" + String.join(" ", command) + "): " + why
                + "\nThe kombu tests need Debian's python3-kombu and python3-zstandard (apt-get install python3-kombu"
                + " python3-zstandard; .ci/run installs them)"
                + " and its interpreter " + PYTHON + " (another one: -Dwarren.kombu.python=...)";
    }
}
