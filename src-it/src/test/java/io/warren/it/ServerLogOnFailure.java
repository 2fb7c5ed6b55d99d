package io.warren.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Prints the end of the server's log when a test fails, so that a red build explains itself. */
public final class ServerLogOnFailure implements TestWatcher {

    private static final int LINES = 300;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        String log = System.getProperty("it.server.log");
        if (log == null) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(Path.of(log));
            System.out.println("==== last " + LINES + " lines of " + log + " after " + context.getDisplayName() + " failed ====");
            lines.subList(Math.max(0, lines.size() - LINES), lines.size()).forEach(System.out::println);
            System.out.println("==== end of server log ====");
        } catch (IOException e) {
            System.out.println("(no server log at " + log + ": " + e.getMessage() + ")");
        }
    }
}
