package io.warren.rar.tracing;

import com.rabbitmq.client.AMQP;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.warren.rar.messages.ReceivedMessage;

import java.util.LinkedHashMap;
import java.util.Map;

import static io.warren.rar.tracing.MessagingAttributes.*;

/**
 * {@link Tracing} with the OpenTelemetry API, loaded only where the RAR's class loader sees it.
 * <p>
 * The trace context always travels as W3C headers, whatever propagators the application set up:
 * both ends of a queue may be different applications. Spans are recorded with the OpenTelemetry the
 * application registered ({@link ApplicationTelemetry}); an application that did is traced on every
 * publish and delivery, a root span where no trace came with the call or the message. Otherwise they
 * come from {@link GlobalOpenTelemetry}, asked only once a message is traced (its {@code get()} fixes
 * the global instance, so asking at start-up could pre-empt an application or agent that registers
 * one later); where none is registered its tracer records nothing, yet the context still
 * propagates: the publish carries the caller's span, and the MDB runs with the publisher's span
 * context current. With spans off ({@link Tracing#SPANS_PROPERTY}) only the context propagates.
 */
final class OpenTelemetryTracing extends Tracing {

    static final String TRACEPARENT = "traceparent";
    private static final String INSTRUMENTATION = "io.warren";
    /** How RabbitMQ's own tools name the default exchange, which has the empty name. */
    private static final String DEFAULT_EXCHANGE = "amq.default";

    private static final TextMapSetter<Map<String, Object>> HEADERS = Map::put;

    private static final TextMapGetter<ReceivedMessage> RECEIVED = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(ReceivedMessage message) {
            return message.headers().keySet();
        }

        @Override
        public String get(ReceivedMessage message, String key) {
            Object value = message == null ? null : message.header(key);
            return value == null ? null : value.toString();
        }
    };

    private final boolean spans = spansRecorded();
    private final ApplicationTelemetry applications = new ApplicationTelemetry(OpenTelemetry.class::isInstance,
            "not an OpenTelemetry of the API Warren sees: the application bundles its own copy of opentelemetry-api",
            spans);

    @Override
    Span publishing(String exchange, String routingKey, ClassLoader application) {
        Context parent = Context.current();
        Tracer tracer = applicationTracer(application);
        if (tracer == null) {
            if (!io.opentelemetry.api.trace.Span.fromContext(parent).getSpanContext().isValid()) {
                return NONE;
            }
            tracer = fallbackTracer();
        }
        String destination = exchange.isEmpty() ? DEFAULT_EXCHANGE : exchange;
        io.opentelemetry.api.trace.Span span = messaging(tracer, "publish " + destination, SpanKind.PRODUCER, parent)
                .setAttribute(OPERATION_TYPE, "send")
                .setAttribute(OPERATION_NAME, "publish")
                .setAttribute(DESTINATION_NAME, destination)
                .setAttribute(ROUTING_KEY, routingKey == null ? "" : routingKey)
                .startSpan();
        return new Traced(span, parent.with(span), null);
    }

    @Override
    Span processing(ReceivedMessage message, ClassLoader application) {
        Tracer tracer = applicationTracer(application);
        boolean carried = message.header(TRACEPARENT) != null;
        if (tracer == null) {
            if (!carried) {
                return NONE;
            }
            tracer = fallbackTracer();
        }
        Context parent = carried
                ? W3CTraceContextPropagator.getInstance().extract(Context.root(), message, RECEIVED)
                : Context.root();
        String exchange = message.exchange() == null || message.exchange().isEmpty() ? DEFAULT_EXCHANGE
                : message.exchange();
        SpanBuilder builder = messaging(tracer, "process " + message.queue(), SpanKind.CONSUMER, parent)
                .setAttribute(OPERATION_TYPE, "process")
                .setAttribute(OPERATION_NAME, "process")
                .setAttribute(DESTINATION_NAME, exchange)
                .setAttribute(SUBSCRIPTION_NAME, message.queue())
                .setAttribute(ROUTING_KEY, message.routingKey() == null ? "" : message.routingKey())
                .setAttribute(BODY_SIZE, (long) message.rawBody().length);
        if (message.messageId() != null) {
            builder.setAttribute(MESSAGE_ID, message.messageId());
        }
        io.opentelemetry.api.trace.Span span = builder.startSpan();
        Context context = parent.with(span);
        return new Traced(span, context, context.makeCurrent());
    }

    @Override
    void retry(int attempt, boolean delayed, Throwable reason) {
        io.opentelemetry.api.trace.Span span = io.opentelemetry.api.trace.Span.current();
        if (span.isRecording()) {
            AttributesBuilder attributes = Attributes.builder().put(ATTEMPT, (long) attempt).put(DELAYED, delayed);
            if (reason != null) {
                attributes.put(REASON, reason.toString());
            }
            span.addEvent(RETRY_EVENT, attributes.build());
        }
    }

    @Override
    void deadLetter(String target, String reason) {
        io.opentelemetry.api.trace.Span span = io.opentelemetry.api.trace.Span.current();
        if (span.isRecording()) {
            span.addEvent(DEAD_LETTER_EVENT, Attributes.of(TARGET, target, REASON, reason));
        }
    }

    @Override
    ApplicationTelemetry registry() {
        return applications;
    }

    /** @return the tracer of the application's registered OpenTelemetry, or null when it registered none */
    private Tracer applicationTracer(ClassLoader application) {
        if (!spans || application == null) {
            return null;
        }
        Object openTelemetry = applications.find(application);
        return openTelemetry == null ? null : ((OpenTelemetry) openTelemetry).getTracer(INSTRUMENTATION);
    }

    /** For a call or message already traced, of an application that registered nothing. */
    private Tracer fallbackTracer() {
        return spans ? GlobalOpenTelemetry.getTracer(INSTRUMENTATION) : OpenTelemetry.noop().getTracer(INSTRUMENTATION);
    }

    private static SpanBuilder messaging(Tracer tracer, String name, SpanKind kind, Context parent) {
        return tracer.spanBuilder(name)
                .setSpanKind(kind)
                .setParent(parent)
                .setAttribute(SYSTEM, RABBITMQ);
    }

    /** A started span; {@code scope} is set where the span is current on this thread until closed. */
    private record Traced(io.opentelemetry.api.trace.Span span, Context context, Scope scope) implements Span {

        @Override
        public AMQP.BasicProperties inject(AMQP.BasicProperties properties) {
            Map<String, Object> headers = properties.getHeaders() == null ? new LinkedHashMap<>()
                    : new LinkedHashMap<>(properties.getHeaders());
            W3CTraceContextPropagator.getInstance().inject(context, headers, HEADERS);
            return properties.builder().headers(headers).build();
        }

        @Override
        public void close() {
            if (scope != null) {
                scope.close();
            }
            span.end();
        }
    }
}
