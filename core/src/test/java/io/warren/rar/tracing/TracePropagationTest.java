package io.warren.rar.tracing;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * W3C trace context from a publish to the MDB's delivery, on the real broker, with spans recorded
 * in memory: the consumer's span is the child of the producer's, which is the child of the request's.
 */
@Isolated("registers the JVM's global OpenTelemetry, which every adapter traces with")
class TracePropagationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> ROUTING_KEY =
            AttributeKey.stringKey("messaging.rabbitmq.destination.routing_key");

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("tracing");
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    /** What the MDB saw as the current span, and the traceparent header, per delivery. */
    private final List<SpanContext> currentInMdb = new CopyOnWriteArrayList<>();
    private final List<Object> traceparents = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> headers = new CopyOnWriteArrayList<>();
    private final TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
        currentInMdb.add(Span.current().getSpanContext());
        traceparents.add(message.header("traceparent"));
        headers.add(message.headers());
    });
    private OpenTelemetrySdk sdk;

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
        if (sdk != null) {
            sdk.getSdkTracerProvider().shutdown();
        }
        GlobalOpenTelemetry.resetForTest();
    }

    /** As an application or agent does at start-up: the global OpenTelemetry, exporting to memory. */
    private OpenTelemetrySdk registerSdk() {
        GlobalOpenTelemetry.resetForTest();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .buildAndRegisterGlobal();
        return sdk;
    }

    private WarrenActivationSpec spec() {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        return spec;
    }

    private Producer producer() {
        return harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build());
    }

    private SpanData only(SpanKind kind) {
        List<SpanData> found = spans.getFinishedSpanItems().stream().filter(span -> span.getKind() == kind).toList();
        assertEquals(1, found.size(), kind + " spans: " + spans.getFinishedSpanItems());
        return found.get(0);
    }

    @Test
    void theConsumersSpanIsTheChildOfTheProducersSpan() throws Exception {
        Span request = registerSdk().getTracer("test").spanBuilder("request").setSpanKind(SpanKind.SERVER).startSpan();
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            try (Scope inRequest = request.makeCurrent()) {
                producer().publish(Map.of("order", 1));
            } finally {
                request.end();
            }
            Broker.await("the delivery", WAIT, () -> currentInMdb.size() == 1);
            // the process span ends when the delivery does, after onMessage returned
            Broker.await("the process span", WAIT, () -> spans.getFinishedSpanItems().size() == 3);
        }
        SpanData publish = only(SpanKind.PRODUCER);
        SpanData process = only(SpanKind.CONSUMER);
        String traceId = request.getSpanContext().getTraceId();

        assertEquals(traceId, publish.getTraceId());
        assertEquals(request.getSpanContext().getSpanId(), publish.getParentSpanId());
        assertEquals(traceId, process.getTraceId());
        assertEquals(publish.getSpanId(), process.getParentSpanId(), "the consumer span's parent is the producer span");
        assertTrue(process.getParentSpanContext().isRemote());

        assertEquals("publish amq.default", publish.getName());
        assertEquals("rabbitmq", publish.getAttributes().get(SYSTEM));
        assertEquals("send", publish.getAttributes().get(OPERATION));
        assertEquals("amq.default", publish.getAttributes().get(DESTINATION));
        assertEquals(queue, publish.getAttributes().get(ROUTING_KEY));
        assertEquals("process " + queue, process.getName());
        assertEquals("rabbitmq", process.getAttributes().get(SYSTEM));
        assertEquals("process", process.getAttributes().get(OPERATION));
        assertEquals("amq.default", process.getAttributes().get(DESTINATION));
        assertEquals(queue, process.getAttributes().get(ROUTING_KEY));
        assertEquals(queue, process.getAttributes().get(AttributeKey.stringKey("messaging.destination.subscription.name")));

        assertEquals("00-" + traceId + "-" + publish.getSpanId() + "-01", traceparents.get(0));
        assertEquals(process.getSpanId(), currentInMdb.get(0).getSpanId(), "the MDB runs inside the process span");
        assertEquals(traceId, currentInMdb.get(0).getTraceId());
    }

    @Test
    void anAsynchronouslyConfirmedPublishCarriesTheTraceToo() throws Exception {
        Span request = registerSdk().getTracer("test").spanBuilder("request").startSpan();
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            try (Scope inRequest = request.makeCurrent()) {
                producer().publishConfirmed(Map.of("order", 2)).get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                request.end();
            }
            Broker.await("the delivery", WAIT, () -> currentInMdb.size() == 1);
            Broker.await("the process span", WAIT, () -> spans.getFinishedSpanItems().size() == 3);
        }
        assertEquals(only(SpanKind.PRODUCER).getSpanId(), only(SpanKind.CONSUMER).getParentSpanId());
        assertEquals(request.getSpanContext().getTraceId(), currentInMdb.get(0).getTraceId());
    }

    @Test
    void withNothingTracedTheMessageIsUntouchedAndNoSpanIsMade() throws Exception {
        registerSdk();
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            producer().publish(Map.of("order", 3));
            Broker.await("the delivery", WAIT, () -> currentInMdb.size() == 1);
        }
        assertEquals(Map.of(), headers.get(0), "no headers added to an untraced publish");
        assertFalse(currentInMdb.get(0).isValid(), "no span current in the MDB: " + currentInMdb.get(0));
        assertEquals(List.of(), spans.getFinishedSpanItems());
    }

    /**
     * As in a server that gives the adapter the API but registers no global OpenTelemetry (WildFly
     * hands each deployment its own through CDI): no spans of Warren's, but the MDB still runs in
     * the publisher's trace, so the spans it makes itself join it.
     */
    @Test
    void withoutARegisteredOpenTelemetryTheMdbStillContinuesTheTrace() throws Exception {
        GlobalOpenTelemetry.resetForTest();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parent = "00f067aa0ba902b7";
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            producer().publish(OutgoingMessage.of(Map.of("order", 5))
                    .header("traceparent", "00-" + traceId + "-" + parent + "-01").build());
            Broker.await("the delivery", WAIT, () -> currentInMdb.size() == 1);
        }
        assertEquals(traceId, currentInMdb.get(0).getTraceId());
        assertEquals(parent, currentInMdb.get(0).getSpanId());
        assertTrue(currentInMdb.get(0).isRemote());
    }

    /**
     * As warren-cdi does in WildFly and Payara, whose OpenTelemetry is the application's (from CDI),
     * not a global one: the application's spans record every publish and delivery of it, a publish
     * with no span current starting a trace of its own.
     */
    @Test
    void anApplicationsRegisteredOpenTelemetryRecordsItsPublishesAndDeliveries() throws Exception {
        GlobalOpenTelemetry.resetForTest();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .build();
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        assertEquals("", harness.adapter().tracing().applications().register(sdk, application));
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            producer().publish(Map.of("order", 6));
            Broker.await("the delivery", WAIT, () -> currentInMdb.size() == 1);
            Broker.await("the process span", WAIT, () -> spans.getFinishedSpanItems().size() == 2);
        } finally {
            harness.adapter().tracing().applications().unregister(application);
        }
        SpanData publish = only(SpanKind.PRODUCER);
        SpanData process = only(SpanKind.CONSUMER);
        assertFalse(publish.getParentSpanContext().isValid(), "no span was current: the publish starts the trace");
        assertEquals(publish.getTraceId(), process.getTraceId());
        assertEquals(publish.getSpanId(), process.getParentSpanId());
        assertEquals(process.getSpanId(), currentInMdb.get(0).getSpanId());
        assertEquals("00-" + publish.getTraceId() + "-" + publish.getSpanId() + "-01", traceparents.get(0));
        assertEquals(0, harness.adapter().tracing().applications().getApplications(), "unregistered");
    }

    @Test
    void retriesAndTheDeadLetterAreEventsOfTheDeliveriesSpans() throws Exception {
        broker.cleanUpQueue(queue + ".dead-letters");
        Span request = registerSdk().getTracer("test").spanBuilder("request").startSpan();
        TestEndpointFactory failing = new TestEndpointFactory(false, message -> {
            currentInMdb.add(Span.current().getSpanContext());
            throw new IllegalStateException("cannot handle it");
        });
        WarrenActivationSpec spec = spec();
        spec.setMaxDeliveries("2");
        try (Harness.Deployment deployment = harness.deploy(spec, failing)) {
            try (Scope inRequest = request.makeCurrent()) {
                producer().publish(Map.of("order", 7));
            } finally {
                request.end();
            }
            Broker.await("both deliveries' spans", WAIT, () -> spans.getFinishedSpanItems().stream()
                    .filter(span -> span.getKind() == SpanKind.CONSUMER).count() == 2);
        }
        List<SpanData> processes = spans.getFinishedSpanItems().stream()
                .filter(span -> span.getKind() == SpanKind.CONSUMER).toList();
        SpanData first = processes.get(0);
        SpanData second = processes.get(1);
        assertEquals(List.of("warren.retry"), first.getEvents().stream().map(event -> event.getName()).toList());
        assertEquals(1L, first.getEvents().get(0).getAttributes().get(AttributeKey.longKey("warren.delivery.attempt")));
        assertTrue(first.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("warren.reason"))
                .contains("cannot handle it"), first.getEvents().toString());
        assertEquals(List.of("warren.dead_letter"), second.getEvents().stream().map(event -> event.getName()).toList());
        assertTrue(second.getEvents().get(0).getAttributes().get(AttributeKey.stringKey("warren.dead_letter.target"))
                .contains(queue + ".dead-letters"), second.getEvents().toString());
        assertEquals(first.getParentSpanId(), second.getParentSpanId(), "both deliveries continue the publish span");
        assertEquals(1, broker.messageCount(queue + ".dead-letters"));
    }

    /** For the Java agent's users: {@code warren.tracing.spans=false} keeps the propagation and records nothing of Warren's. */
    @Test
    void withSpansOffThePublishCarriesTheCallersSpanAndNoSpanIsRecorded() {
        Tracing tracing;
        System.setProperty(Tracing.SPANS_PROPERTY, "false");
        try {
            tracing = new OpenTelemetryTracing();
        } finally {
            System.clearProperty(Tracing.SPANS_PROPERTY);
        }
        Span request = registerSdk().getTracer("test").spanBuilder("request").startSpan();
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        assertTrue(tracing.registry().register(sdk, application).contains("spans are off"));
        com.rabbitmq.client.AMQP.BasicProperties sent;
        try (Scope inRequest = request.makeCurrent();
             Tracing.Span span = tracing.publishing("orders", "new", application)) {
            sent = span.inject(new com.rabbitmq.client.AMQP.BasicProperties());
        } finally {
            request.end();
        }
        assertEquals("00-" + request.getSpanContext().getTraceId() + "-" + request.getSpanContext().getSpanId() + "-01",
                sent.getHeaders().get("traceparent").toString(), "the caller's span travels");
        assertEquals(List.of("request"), spans.getFinishedSpanItems().stream().map(SpanData::getName).toList(),
                "no span of Warren's");
    }
}
