package io.warren.rar;

import io.warren.rar.config.BrokerProperty;
import io.warren.rar.harness.Broker;
import io.warren.rar.inbound.ActivationProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every property is in the README's tables, with the default the code really uses. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class DocumentationTest {

    private static String readme() throws IOException {
        return Files.readString(Path.of("..", "README.md"));
    }

    private static String row(String name, String defaultValue) {
        String shown = defaultValue == null ? "(none)" : defaultValue.isEmpty() ? "(empty)" : "`" + defaultValue + "`";
        return "| `" + name + "` | " + shown + " | ";
    }

    @Test
    void everyBrokerPropertyIsDocumentedWithItsDefault() throws IOException {
        String readme = readme();
        for (BrokerProperty property : BrokerProperty.values()) {
            String row = row(property.propertyName(), property.defaultValue()) + property.description() + " |";
            assertTrue(readme.contains(row), "README lacks the row: " + row);
        }
    }

    @Test
    void everyActivationPropertyIsDocumentedWithItsDefault() throws IOException {
        String readme = readme();
        for (ActivationProperty property : ActivationProperty.values()) {
            String row = row(property.propertyName(), property.defaultValue()) + property.description() + " |";
            assertTrue(readme.contains(row), "README lacks the row: " + row);
        }
    }

    @Test
    void theTestCommandIsWhatCiRuns() throws IOException {
        String ci = Files.readString(Path.of("..", ".ci", "run"));
        assertTrue(readme().contains("```sh\nmvn -B verify\n```"));
        assertTrue(ci.contains("\nmvn -B verify\n"), ".ci/run runs the README's test command");
    }

    @Test
    void theServersPageQuotesThePayaraExamplesCommands() throws IOException {
        String readme = Files.readString(Path.of("..", "docs", "servers.md"));
        for (String line : Files.readAllLines(Path.of("..", "examples-ear", "payara", "configure-warren.asadmin"))) {
            if (!line.isBlank()) {
                assertTrue(readme.contains("\n   " + line + "\n"),
                        "docs/servers.md's Payara Server step 1 lacks the line of configure-warren.asadmin: " + line);
            }
        }
    }
}
