package io.warren.bench.wildfly.app;

import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** What the bench calls over HTTP: answers are "count nanoseconds". */
@Path("")
@Produces(MediaType.TEXT_PLAIN)
public class BenchResource {

    @EJB
    private Publisher publisher;

    @EJB
    private Requester requester;

    @Inject
    private Deliveries deliveries;

    @POST
    @Path("publish")
    public String publish(@QueryParam("queue") String queue, @QueryParam("size") int size,
                          @QueryParam("seconds") double seconds, @QueryParam("max") long max,
                          @QueryParam("confirms") boolean confirms) throws InterruptedException {
        long[] outcome = publisher.publish(queue, size, seconds, max, confirms);
        return outcome[0] + " " + outcome[1] + " " + outcome[2];
    }

    @POST
    @Path("request")
    public String request(@QueryParam("queue") String queue, @QueryParam("size") int size,
                          @QueryParam("seconds") double seconds) {
        StringBuilder answer = new StringBuilder();
        for (long number : requester.ask(queue, size, seconds)) {
            answer.append(number).append(' ');
        }
        return answer.toString().trim();
    }

    @POST
    @Path("soak")
    public String soak(@QueryParam("queue") String queue, @QueryParam("seconds") double seconds,
                       @QueryParam("max") long max) {
        return Long.toString(publisher.soak(queue, seconds, max));
    }

    @GET
    @Path("deliveries")
    public String deliveries() {
        long[] seen = deliveries.seen();
        return seen[0] + " " + seen[1];
    }
}
