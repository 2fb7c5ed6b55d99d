package io.warren.it.app;

import io.warren.WarrenException;
import jakarta.ejb.EJB;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/** What the tests call over HTTP to make the application publish. */
@Path("it")
public class ItResource {

    @EJB
    PublisherBean publisher;

    @POST
    @Path("load")
    public String load(@QueryParam("prefix") String prefix, @QueryParam("count") int count) {
        publisher.publishLoad(prefix, count);
        return "published " + count;
    }

    /** Publishes as load does but outside a transaction, and says why when it could not: the test reads the reason. */
    @POST
    @Path("try-load")
    public String tryLoad(@QueryParam("prefix") String prefix, @QueryParam("count") int count) {
        try {
            publisher.publishLoadWithoutTransaction(prefix, count);
            return "published " + count;
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof WarrenException)) {
                cause = cause.getCause();
            }
            return "failed: " + cause.getMessage();
        }
    }

    @POST
    @Path("tx")
    public String transaction(@QueryParam("count") int count, @QueryParam("rollback") boolean rollback) {
        publisher.publishInTransaction(count, rollback);
        return rollback ? "rolled back" : "committed";
    }

    /** Publishes in a container transaction, and says why when it could not, with every cause's message. */
    @POST
    @Path("try-tx")
    public String tryTransaction(@QueryParam("count") int count) {
        try {
            publisher.publishInTransaction(count, false);
            return "committed";
        } catch (RuntimeException e) {
            StringBuilder failure = new StringBuilder("failed:");
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                failure.append(' ').append(cause.getMessage());
            }
            return failure.toString();
        }
    }

    @POST
    @Path("echo")
    public String echo(@QueryParam("text") String text) {
        publisher.publishToEcho(text);
        return "sent";
    }
}
