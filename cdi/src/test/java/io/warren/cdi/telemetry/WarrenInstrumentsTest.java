package io.warren.cdi.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Warren's MBeans, read as OpenTelemetry instruments: names, units, values and attributes, with an
 * MBean of the shape the adapter registers (the real ones are exported in src-it's TelemetryTest).
 */
class WarrenInstrumentsTest {

    /** The attributes of an activation's MBean that the test gives values. */
    public interface FakeActivationMBean {
        long getDeliveries();

        int getConsumersConnected();

        double getOnMessageTotalMillis();

        boolean getConnected();
    }

    public static final class FakeActivation implements FakeActivationMBean {
        @Override
        public long getDeliveries() {
            return 42;
        }

        @Override
        public int getConsumersConnected() {
            return 2;
        }

        @Override
        public double getOnMessageTotalMillis() {
            return 1500;
        }

        @Override
        public boolean getConnected() {
            return true;
        }
    }

    private final ObjectName name = name();
    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build();

    private static ObjectName name() {
        try {
            return new ObjectName("io.warren:type=Activation,name=com.example.OrderMdb,queue=orders,instance="
                    + UUID.randomUUID());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void unregister() throws Exception {
        provider.close();
        if (ManagementFactory.getPlatformMBeanServer().isRegistered(name)) {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        }
    }

    @Test
    void anActivationsCountsAreReadAsInstrumentsWithItsMdbAndQueue() throws Exception {
        ManagementFactory.getPlatformMBeanServer().registerMBean(new FakeActivation(), name);
        try (WarrenInstruments instruments = new WarrenInstruments(provider.get(WarrenInstruments.SCOPE))) {
            Collection<MetricData> metrics = reader.collectAllMetrics();

            MetricData consumed = metric(metrics, "messaging.client.consumed.messages");
            assertEquals("{message}", consumed.getUnit());
            assertEquals(42, consumed.getLongSumData().getPoints().iterator().next().getValue());
            assertTrue(consumed.getLongSumData().isMonotonic());
            var attributes = consumed.getLongSumData().getPoints().iterator().next().getAttributes();
            assertEquals("rabbitmq", attributes.get(AttributeKey.stringKey("messaging.system")));
            assertEquals("com.example.OrderMdb", attributes.get(AttributeKey.stringKey("warren.mdb")));
            assertEquals("orders", attributes.get(AttributeKey.stringKey("messaging.destination.subscription.name")));

            MetricData connected = metric(metrics, "warren.consumers.connected");
            assertEquals("{consumer}", connected.getUnit());
            assertEquals(2, connected.getLongGaugeData().getPoints().iterator().next().getValue());

            MetricData time = metric(metrics, "warren.consumer.on_message.time");
            assertEquals("s", time.getUnit());
            assertEquals(1.5, time.getDoubleSumData().getPoints().iterator().next().getValue(), 1e-9);
        }
    }

    @Test
    void docsMonitoringListsEveryInstrument() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "monitoring.md"));
        List<String> missing = WarrenInstruments.NAMES.stream().filter(name -> !docs.contains("`" + name + "`")).toList();
        assertEquals(List.of(), missing, "instruments docs/monitoring.md does not list");
    }

    private static MetricData metric(Collection<MetricData> metrics, String name) {
        return metrics.stream().filter(metric -> metric.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not among " + metrics.stream().map(MetricData::getName).toList()));
    }
}
