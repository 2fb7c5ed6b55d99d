package io.warren.rar.tracing;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Envelope;
import io.warren.rar.harness.Broker;
import io.warren.rar.messages.ReceivedMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing costs nothing per message where there is nothing to trace: no allocation on the publish
 * and delivery paths, whether the OpenTelemetry API is absent or present but idle.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class TracingCostTest {

    private static final int MESSAGES = 200_000;

    private static final AMQP.BasicProperties PROPERTIES = new AMQP.BasicProperties.Builder()
            .contentType("application/json").headers(Map.of("tenant", "acme")).build();

    private static ReceivedMessage untraced() {
        return new ReceivedMessage("orders", new Envelope(1, false, "", "orders"), PROPERTIES, new byte[16],
                null, Set.of(), (tag, outcome) -> { });
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** @return the bytes allocated by MESSAGES publishes and deliveries, after as many to warm up */
    private static long allocatedPerRun(Tracing tracing, ReceivedMessage message) {
        long before = 0;
        for (int run = 0; run < 2; run++) {
            before = allocatedBytes();
            for (int i = 0; i < MESSAGES; i++) {
                try (Tracing.Span span = tracing.publishing("orders", "new", TracingCostTest.class.getClassLoader())) {
                    assertSame(PROPERTIES, span.inject(PROPERTIES));
                }
                try (Tracing.Span span = tracing.processing(message, TracingCostTest.class.getClassLoader())) {
                    assertSame(Tracing.NONE, span);
                }
            }
        }
        return allocatedBytes() - before;
    }

    /**
     * One object per message would be at least 16 bytes each, 3.2 MB in all; what is left is the
     * measurement's own and the JVM's (a few hundred bytes to a few KB, whatever the count).
     */
    private static void assertNoAllocationPerMessage(long bytes) {
        assertTrue(bytes < MESSAGES / 10, bytes + " bytes for " + MESSAGES + " messages");
    }

    @Test
    void withoutTheApiNothingIsAllocatedPerMessage() {
        long bytes = allocatedPerRun(Tracing.absent(), untraced());
        System.out.println("Tracing absent: " + bytes + " bytes allocated for " + MESSAGES + " publishes and deliveries");
        assertNoAllocationPerMessage(bytes);
    }

    @Test
    void withTheApiButNothingTracedNothingIsAllocatedPerMessage() throws Exception {
        Tracing idle = new OpenTelemetryTracing();
        long bytes = allocatedPerRun(idle, untraced());
        System.out.println("Tracing idle: " + bytes + " bytes allocated for " + MESSAGES + " publishes and deliveries");
        assertNoAllocationPerMessage(bytes);
    }

    /** The adapter's classes in a class loader that, like Payara's or a bare WildFly's, has no OpenTelemetry. */
    @Test
    void withoutTheApiTheAdapterDoesNotTraceAndLeavesPropertiesAlone() throws Exception {
        URL adapterClasses = Tracing.class.getProtectionDomain().getCodeSource().getLocation();
        ClassLoader withoutOpenTelemetry = new ClassLoader(Tracing.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("io.opentelemetry.") || name.startsWith("io.warren.rar.")) {
                    throw new ClassNotFoundException(name);
                }
                return super.loadClass(name, resolve);
            }
        };
        try (URLClassLoader adapter = new URLClassLoader(new URL[] {adapterClasses}, withoutOpenTelemetry)) {
            Class<?> tracing = adapter.loadClass(Tracing.class.getName());
            assertFalse((Boolean) tracing.getMethod("available").invoke(null));
            Object created = tracing.getMethod("create").invoke(null);
            Object span = tracing.getMethod("publish", String.class, String.class).invoke(created, "orders", "new");
            assertSame(tracing.getField("NONE").get(null), span);
            assertSame(PROPERTIES, adapter.loadClass(Tracing.Span.class.getName())
                    .getMethod("inject", AMQP.BasicProperties.class).invoke(span, PROPERTIES));
        }
        assertTrue(Tracing.available(), "the tests' own class path has the API");
    }
}
