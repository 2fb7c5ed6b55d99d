package io.warren.bench.wildfly.jms.mdb;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.concurrent.atomic.AtomicLong;

/** What the JMS MDB received since this deployment, answered as "count nanoseconds-first-to-last". */
@ApplicationScoped
@Path("")
@Produces(MediaType.TEXT_PLAIN)
public class JmsDeliveries {

    private final AtomicLong count = new AtomicLong();
    private volatile long first;
    private volatile long last;

    public void hit() {
        long now = System.nanoTime();
        if (count.getAndIncrement() == 0) {
            first = now;
        }
        last = now;
    }

    @GET
    @Path("deliveries")
    public String seen() {
        long seen = count.get();
        return seen + " " + (seen == 0 ? 0 : last - first);
    }
}
