package io.warren.it.telemetry;

import io.opentelemetry.api.trace.Span;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/** Publishes through {@link TelemetryPublisher} inside a request the server traces, and reads Warren's MBeans. */
@Path("telemetry")
@RequestScoped
public class TelemetryResource {

    @EJB
    TelemetryPublisher publisher;

    /** @return the trace id of this request, which Warren's publish spans should be in */
    @POST
    @Path("publish")
    public String publish(@QueryParam("prefix") String prefix, @QueryParam("count") int count,
                          @QueryParam("failing") boolean failing) {
        publisher.publish(prefix, count, failing);
        return Span.current().getSpanContext().getTraceId();
    }

    /** @return the attribute of the one MBean the pattern matches */
    @GET
    @Path("mbean")
    public String mbean(@QueryParam("pattern") String pattern, @QueryParam("attribute") String attribute)
            throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        var names = server.queryNames(new ObjectName(pattern), null);
        if (names.size() != 1) {
            return "MBeans matching " + pattern + ": " + names;
        }
        return String.valueOf(server.getAttribute(names.iterator().next(), attribute));
    }
}
