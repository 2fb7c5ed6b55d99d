package io.warren.rar.tracing;

import com.rabbitmq.client.AMQP;
import io.opentelemetry.api.GlobalOpenTelemetry;
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

/**
 * {@link Tracing} with the OpenTelemetry API, loaded only where the RAR's class loader sees it.
 * <p>
 * The trace context always travels as W3C headers, whatever propagators the application set up:
 * both ends of a queue may be different applications. Spans come from {@link GlobalOpenTelemetry},
 * asked only once a message is traced (its {@code get()} fixes the global instance, so asking at
 * start-up could pre-empt an application or agent that registers one later). Where none is
 * registered its tracer records nothing, yet the context still propagates: the publish carries
 * the caller's span, and the MDB runs with the publisher's span context current.
 * Spans follow OpenTelemetry's messaging conventions.
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

    @Override
    Span publishing(String exchange, String routingKey) {
        Context parent = Context.current();
        if (!io.opentelemetry.api.trace.Span.fromContext(parent).getSpanContext().isValid()) {
            return NONE;
        }
        String destination = exchange.isEmpty() ? DEFAULT_EXCHANGE : exchange;
        io.opentelemetry.api.trace.Span span = messaging("publish " + destination, SpanKind.PRODUCER, parent,
                "publish", destination, routingKey).startSpan();
        return new Traced(span, parent.with(span), null);
    }

    @Override
    Span processing(ReceivedMessage message) {
        if (message.header(TRACEPARENT) == null) {
            return NONE;
        }
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), message, RECEIVED);
        String exchange = message.exchange() == null || message.exchange().isEmpty() ? DEFAULT_EXCHANGE
                : message.exchange();
        SpanBuilder builder = messaging("process " + message.queue(), SpanKind.CONSUMER, parent, "process",
                exchange, message.routingKey());
        if (message.messageId() != null) {
            builder.setAttribute("messaging.message.id", message.messageId());
        }
        builder.setAttribute("messaging.message.body.size", (long) message.rawBody().length);
        io.opentelemetry.api.trace.Span span = builder.startSpan();
        Context context = parent.with(span);
        return new Traced(span, context, context.makeCurrent());
    }

    private static SpanBuilder messaging(String name, SpanKind kind, Context parent, String operation,
                                         String destination, String routingKey) {
        Tracer tracer = GlobalOpenTelemetry.getTracer(INSTRUMENTATION);
        return tracer.spanBuilder(name)
                .setSpanKind(kind)
                .setParent(parent)
                .setAttribute("messaging.system", "rabbitmq")
                .setAttribute("messaging.operation", operation)
                .setAttribute("messaging.destination.name", destination)
                .setAttribute("messaging.rabbitmq.destination.routing_key", routingKey == null ? "" : routingKey);
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
