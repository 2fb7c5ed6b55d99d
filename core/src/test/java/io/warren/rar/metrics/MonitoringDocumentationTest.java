package io.warren.rar.metrics;

import io.warren.rar.harness.Broker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every attribute and operation of Warren's MBeans is in docs/monitoring.md's tables. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class MonitoringDocumentationTest {

    @Test
    void everyAttributeAndOperationIsDocumented() throws IOException {
        String page = Files.readString(Path.of("..", "docs", "monitoring.md"));
        for (Class<?> mbean : new Class<?>[] {ActivationMXBean.class, ConnectionFactoryMXBean.class}) {
            for (Method method : mbean.getMethods()) {
                String name = method.getName();
                String row = name.startsWith("get") ? "| `" + name.substring(3) + "` |"
                        : name.startsWith("is") ? "| `" + name.substring(2) + "` |"
                        : "| `" + name + "()` |";
                assertTrue(page.contains(row), "docs/monitoring.md lacks the row of " + mbean.getSimpleName() + "."
                        + name + ": " + row);
            }
        }
    }
}
