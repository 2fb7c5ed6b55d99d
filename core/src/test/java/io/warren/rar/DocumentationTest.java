package io.warren.rar;

import io.warren.rar.config.BrokerProperty;
import io.warren.rar.config.PropertyDeclaration;
import io.warren.rar.harness.Broker;
import io.warren.rar.inbound.ActivationProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's property tables are the declarations: every property, in order, with the default the code really uses. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class DocumentationTest {

    private static String readme() throws IOException {
        return Files.readString(Path.of("..", "README.md"));
    }

    /** @return the README's table of those properties, as their declarations make it: every row, in order */
    private static String table(PropertyDeclaration... properties) {
        StringBuilder table = new StringBuilder("| property | default | meaning |\n| --- | --- | --- |\n");
        for (PropertyDeclaration property : properties) {
            String value = property.defaultValue();
            String shown = value == null ? "(none)" : value.isEmpty() ? "(empty)" : "`" + value + "`";
            table.append("| `").append(property.propertyName()).append("` | ").append(shown).append(" | ")
                    .append(property.description()).append(" |\n");
        }
        return table.toString();
    }

    @Test
    void theBrokerPropertiesTableIsTheirDeclarations() throws IOException {
        String table = table(BrokerProperty.values());
        assertTrue(readme().contains("\n\n" + table + "\n"), "README's broker property table must be, between blank lines:\n"
                + table);
    }

    @Test
    void theActivationPropertiesTableIsTheirDeclarations() throws IOException {
        String table = table(ActivationProperty.values());
        assertTrue(readme().contains("\n\n" + table + "\n"), "README's activation property table must be, between blank "
                + "lines:\n" + table);
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
