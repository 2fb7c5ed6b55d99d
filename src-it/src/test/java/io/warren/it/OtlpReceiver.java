package io.warren.it;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP receiver (protobuf, as the servers' exporters send it with
 * {@code otel.exporter.otlp.protocol=http/protobuf}) owned by the test: it keeps every span it is
 * sent, and the latest value of every metric stream. The servers export to
 * {@code http://127.0.0.1:}{@value #PORT} (src-it/wildfly's CLI script, the application's
 * microprofile-config.properties in Payara). It runs for the whole suite of a server (started and
 * stopped by this listener), since WildFly's exporter, configured for the server, exports all along;
 * with nobody listening, each export would log a failure.
 */
public final class OtlpReceiver implements AutoCloseable, TestExecutionListener {

    /** The suite's receiver; set while the test plan runs. */
    private static volatile OtlpReceiver running;

    static final int PORT = 14318;

    /** A span as exported: ids in hex, attributes and event names as text. */
    record ExportedSpan(String traceId, String spanId, String parentSpanId, String name, String kind,
                        Map<String, String> attributes, List<ExportedEvent> events) {
    }

    record ExportedEvent(String name, Map<String, String> attributes) {
    }

    /** The latest data point of one metric stream. */
    record DataPoint(String metric, String unit, Map<String, String> attributes, double value) {
    }

    private HttpServer server;
    private final List<ExportedSpan> spans = new CopyOnWriteArrayList<>();
    private final Map<String, DataPoint> latest = new ConcurrentHashMap<>();

    /** For the ServiceLoader: the listener, which starts the receiver when the test plan starts. */
    public OtlpReceiver() {
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        try {
            OtlpReceiver receiver = new OtlpReceiver();
            receiver.listen();
            running = receiver;
        } catch (IOException e) {
            System.out.println("No OTLP receiver at 127.0.0.1:" + PORT + " (" + e + "): TelemetryTest fails");
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        OtlpReceiver receiver = running;
        running = null;
        if (receiver != null) {
            receiver.close();
        }
    }

    /** @return the suite's receiver */
    static OtlpReceiver running() {
        OtlpReceiver receiver = running;
        if (receiver == null) {
            throw new AssertionError("The OTLP receiver at 127.0.0.1:" + PORT + " did not start (see the build's output)");
        }
        return receiver;
    }

    private void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", PORT), 50);
        server.createContext("/v1/traces", exchange -> answer(exchange, () -> {
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body(exchange));
            request.getResourceSpansList().forEach(resource -> resource.getScopeSpansList().forEach(scope ->
                    scope.getSpansList().forEach(span -> spans.add(new ExportedSpan(hex(span.getTraceId()),
                            hex(span.getSpanId()), hex(span.getParentSpanId()), span.getName(), span.getKind().name(),
                            text(span.getAttributesList()), span.getEventsList().stream()
                            .map(event -> new ExportedEvent(event.getName(), text(event.getAttributesList()))).toList())))));
            return ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        }));
        server.createContext("/v1/metrics", exchange -> answer(exchange, () -> {
            ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body(exchange));
            request.getResourceMetricsList().forEach(resource -> resource.getScopeMetricsList().forEach(scope ->
                    scope.getMetricsList().forEach(this::keep)));
            return ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
        }));
        // logs: taken and dropped
        server.createContext("/", exchange -> answer(exchange, () -> {
            body(exchange);
            return new byte[0];
        }));
        server.start();
    }

    List<ExportedSpan> spans() {
        return List.copyOf(spans);
    }

    /** @return the latest value of the metric for the stream with these attributes (among others), or null */
    DataPoint metric(String name, Map<String, String> attributes) {
        return latest.values().stream().filter(point -> point.metric().equals(name)
                && point.attributes().entrySet().containsAll(attributes.entrySet())).findFirst().orElse(null);
    }

    List<String> metricNames() {
        return latest.values().stream().map(DataPoint::metric).distinct().sorted().toList();
    }

    private void keep(Metric metric) {
        List<NumberDataPoint> points = metric.hasSum() ? metric.getSum().getDataPointsList()
                : metric.hasGauge() ? metric.getGauge().getDataPointsList() : List.of();
        for (NumberDataPoint point : points) {
            Map<String, String> attributes = text(point.getAttributesList());
            double value = point.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? point.getAsInt() : point.getAsDouble();
            latest.put(metric.getName() + attributes, new DataPoint(metric.getName(), metric.getUnit(), attributes, value));
        }
    }

    private interface Answer {
        byte[] bytes() throws IOException;
    }

    private static void answer(HttpExchange exchange, Answer answer) throws IOException {
        try (exchange) {
            byte[] bytes;
            try {
                bytes = answer.bytes();
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(in);
        }
        return in.readAllBytes();
    }

    private static String hex(ByteString id) {
        return HexFormat.of().formatHex(id.toByteArray());
    }

    private static Map<String, String> text(List<KeyValue> attributes) {
        Map<String, String> text = new LinkedHashMap<>();
        for (KeyValue attribute : attributes) {
            AnyValue value = attribute.getValue();
            text.put(attribute.getKey(), switch (value.getValueCase()) {
                case STRING_VALUE -> value.getStringValue();
                case INT_VALUE -> Long.toString(value.getIntValue());
                case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
                case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
                default -> value.toString();
            });
        }
        return text;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
    }
}
