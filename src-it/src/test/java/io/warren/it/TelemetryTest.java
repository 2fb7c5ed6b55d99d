package io.warren.it;

import io.warren.it.OtlpReceiver.DataPoint;
import io.warren.it.OtlpReceiver.ExportedSpan;
import io.warren.it.telemetry.TelemetryMdb;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Warren's spans and metrics as the server's own OpenTelemetry exports them (WildFly: its
 * opentelemetry subsystem, set up by src/test/cli; Payara: MicroProfile Telemetry, enabled by the
 * application's microprofile-config.properties), received by the test's {@link OtlpReceiver}: an
 * EJB's publishes and the MDB's deliveries form one trace with the request that published, a
 * retry and a dead letter are events of the MDB's spans, a kombu publisher's traceparent becomes
 * the parent of the MDB's span, and the MBeans' counts arrive as OpenTelemetry metrics.
 */
@DisabledIfSystemProperty(named = "it.server", matches = "glassfish",
        disabledReason = "GlassFish 8 has no OpenTelemetry (no MicroProfile Telemetry): nothing in it records or exports spans or metrics")
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class TelemetryTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String QUEUE = TelemetryMdb.QUEUE;
    private static final String DEAD_LETTERS = QUEUE + ".dead-letters";
    private static final String ACTIVATION = "io.warren:type=Activation,queue=" + QUEUE + ",*";

    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() throws Exception {
        // before the MDB runs: a queue deleted under it would be declared again by its reconnect
        try (ItBroker broker = new ItBroker()) {
            broker.delete(QUEUE, DEAD_LETTERS);
        }
        return Deployments.rar();
    }

    @Deployment(name = "telemetry", order = 2, testable = false)
    static WebArchive app() {
        return Deployments.telemetryWar();
    }

    @Test
    void anEjbsPublishesAndTheMdbsDeliveriesAreOneTraceWithTheRequest(
            @ArquillianResource @OperateOnDeployment("telemetry") URL base) throws Exception {
        String traceId = post(base, "publish?prefix=traced&count=3");
        assertTrue(traceId.matches("[0-9a-f]{32}") && !traceId.matches("0+"), "the request is traced: '" + traceId + "'");
        OtlpReceiver receiver = OtlpReceiver.running();
        for (int i = 0; i < 3; i++) {
            String messageId = "traced-" + i;
            ItBroker.await("the process span of " + messageId, WAIT, () -> processSpans(receiver, messageId).size() == 1);
            ExportedSpan process = processSpans(receiver, messageId).get(0);
            ItBroker.await("the publish span of " + messageId, WAIT, () -> span(receiver, process.parentSpanId()) != null);
            ExportedSpan publish = span(receiver, process.parentSpanId());

            assertEquals(traceId, publish.traceId(), "the publish is in the request's trace: " + publish);
            assertEquals(traceId, process.traceId(), "the delivery is in the request's trace: " + process);
            assertEquals("SPAN_KIND_PRODUCER", publish.kind());
            assertEquals("publish amq.default", publish.name());
            assertEquals("rabbitmq", publish.attributes().get("messaging.system"));
            assertEquals("send", publish.attributes().get("messaging.operation.type"));
            assertEquals("amq.default", publish.attributes().get("messaging.destination.name"));
            assertEquals(QUEUE, publish.attributes().get("messaging.rabbitmq.destination.routing_key"));
            assertTrue(!publish.parentSpanId().isEmpty(), "the publish span has the request's span as its parent");

            assertEquals("SPAN_KIND_CONSUMER", process.kind());
            assertEquals("process " + QUEUE, process.name());
            assertEquals("rabbitmq", process.attributes().get("messaging.system"));
            assertEquals("process", process.attributes().get("messaging.operation.type"));
            assertEquals(QUEUE, process.attributes().get("messaging.destination.subscription.name"));
        }
        System.out.printf("%s: the request's trace %s holds 3 publish spans and the 3 process spans under them%n",
                Server.current(), traceId);
    }

    @Test
    void aRetryAndTheDeadLetterAreEventsOfTheMdbsSpans(@ArquillianResource @OperateOnDeployment("telemetry") URL base)
            throws Exception {
        post(base, "publish?prefix=failing&count=1&failing=true");
        OtlpReceiver receiver = OtlpReceiver.running();
        ItBroker.await("two process spans", WAIT, () -> processSpans(receiver, "failing-0").size() == 2);
        List<ExportedSpan> attempts = processSpans(receiver, "failing-0");
        List<String> events = attempts.stream().flatMap(span -> span.events().stream())
                .map(OtlpReceiver.ExportedEvent::name).sorted().toList();
        assertEquals(List.of("warren.dead_letter", "warren.retry"), events, "events of " + attempts);
        assertEquals(attempts.get(0).parentSpanId(), attempts.get(1).parentSpanId(),
                "both attempts are children of the publish span");
        try (ItBroker broker = new ItBroker()) {
            ItBroker.await("the dead letter", WAIT, () -> broker.count(DEAD_LETTERS) == 1);
        }
    }

    @Test
    void aKombuPublishersTraceparentIsTheParentOfTheMdbsSpan() throws Exception {
        String traceId = hex(32);
        String parent = hex(16);
        KombuPublisher.publish(List.of("--traceparent=00-" + traceId + "-" + parent + "-01"), "kombu-traced", QUEUE);
        OtlpReceiver receiver = OtlpReceiver.running();
        ItBroker.await("the process span of kombu's message", WAIT,
                () -> processSpans(receiver, "kombu-traced").size() == 1);
        ExportedSpan process = processSpans(receiver, "kombu-traced").get(0);
        assertEquals(traceId, process.traceId(), "kombu's trace: " + process);
        assertEquals(parent, process.parentSpanId(), "kombu's span is the parent: " + process);
    }

    @Test
    void theMBeansCountsArriveAsOpenTelemetryMetrics(@ArquillianResource @OperateOnDeployment("telemetry") URL base)
            throws Exception {
        post(base, "publish?prefix=counted&count=5");
        OtlpReceiver receiver = OtlpReceiver.running();
        Map<String, String> mdb = Map.of("warren.mdb", TelemetryMdb.class.getName(),
                "messaging.destination.subscription.name", QUEUE, "messaging.system", "rabbitmq");
        Map<String, String> factory = Map.of("warren.connection_factory", Deployments.telemetryConnection());
        // counts exported each second reach what the MBeans say once the MDB has taken the messages
        ItBroker.await("the consumed messages exported", WAIT, () -> {
            DataPoint consumed = receiver.metric("messaging.client.consumed.messages", mdb);
            return consumed != null && consumed.value() >= 5
                    && consumed.value() == mbean(base, ACTIVATION, "Deliveries");
        });
        DataPoint consumed = receiver.metric("messaging.client.consumed.messages", mdb);
        assertEquals("{message}", consumed.unit());
        ItBroker.await("the sent messages exported", WAIT, () -> {
            DataPoint sent = receiver.metric("messaging.client.sent.messages", factory);
            return sent != null && sent.value() >= 5 && sent.value() == mbean(base,
                    "io.warren:type=ConnectionFactory,name=" + Deployments.telemetryConnection() + ",*", "Publishes");
        });
        assertEquals(1.0, receiver.metric("warren.consumers.configured", mdb).value());
        assertEquals(1.0, receiver.metric("warren.consumers.connected", mdb).value());
        DataPoint confirms = receiver.metric("warren.publisher.confirms", factory);
        assertNotNull(confirms, "exported: " + receiver.metricNames());
        assertEquals("{message}", confirms.unit());
        System.out.printf("%s: Warren's metrics exported through the server's OpenTelemetry: %s%n", Server.current(),
                receiver.metricNames().stream().filter(name -> name.startsWith("warren.")
                        || name.startsWith("messaging.")).toList());
    }

    private static List<ExportedSpan> processSpans(OtlpReceiver receiver, String messageId) {
        return receiver.spans().stream().filter(span -> span.kind().equals("SPAN_KIND_CONSUMER")
                && messageId.equals(span.attributes().get("messaging.message.id"))).toList();
    }

    private static ExportedSpan span(OtlpReceiver receiver, String spanId) {
        return receiver.spans().stream().filter(span -> span.spanId().equals(spanId)).findFirst().orElse(null);
    }

    private static String post(URL base, String pathAndQuery) throws Exception {
        HttpResponse<String> response = Http.send(base.toURI().resolve("rest/telemetry/" + pathAndQuery));
        assertEquals(200, response.statusCode(), response.body());
        return response.body().trim();
    }

    /** @return the attribute of the one MBean the pattern matches, as the application reads it; NaN when it cannot */
    private static double mbean(URL base, String pattern, String attribute) {
        try {
            URI uri = base.toURI().resolve("rest/telemetry/mbean?pattern="
                    + URLEncoder.encode(pattern, StandardCharsets.UTF_8) + "&attribute=" + attribute);
            HttpResponse<String> response = Http.get(uri);
            return response.statusCode() == 200 ? Double.parseDouble(response.body().trim()) : Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static String hex(int digits) {
        StringBuilder hex = new StringBuilder();
        while (hex.length() < digits) {
            hex.append(Integer.toHexString(ThreadLocalRandom.current().nextInt(16)));
        }
        return hex.toString();
    }
}
