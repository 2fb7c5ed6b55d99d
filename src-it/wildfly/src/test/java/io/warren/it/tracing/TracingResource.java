package io.warren.it.tracing;

import io.opentelemetry.api.trace.Span;
import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

/** A request that WildFly's opentelemetry subsystem traces publishes to {@link TracingMdb}. */
@Path("trace")
@RequestScoped
public class TracingResource {

    public static final String IN = "warren.it.trace.in";
    public static final String OUT = "warren.it.trace.out";

    @Inject
    @PublishTo(routingKey = IN)
    Producer in;

    /** @return the trace id of this request, which the MDB should see as its own */
    @POST
    public String publish() {
        in.publish("traced");
        return Span.current().getSpanContext().getTraceId();
    }
}
