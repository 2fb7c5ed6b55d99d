package io.warren.it.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.warren.Message;
import io.warren.MessageListener;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;

/** Says which trace it runs in: the current span's trace id, and the traceparent it received. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = TracingResource.IN)})
public class TracingMdb implements MessageListener {

    @Inject
    @PublishTo(routingKey = TracingResource.OUT)
    Producer out;

    @Override
    public void onMessage(Message message) {
        SpanContext current = Span.current().getSpanContext();
        out.publish(OutgoingMessage.of("seen")
                .header("current-trace-id", current.getTraceId())
                .header("received-traceparent", String.valueOf(message.header("traceparent"))).build());
    }
}
