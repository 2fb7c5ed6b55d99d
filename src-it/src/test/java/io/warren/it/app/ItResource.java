package io.warren.it.app;

import io.warren.WarrenException;
import jakarta.ejb.EJB;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/** What the tests call over HTTP to make the application publish. */
@Path("it")
public class ItResource {

    @EJB
    PublisherBean publisher;

    @EJB
    AskerBean asker;

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
    @Path("counted")
    public String counted(@QueryParam("count") int count) {
        publisher.publishCounted(count);
        return "published " + count;
    }

    /**
     * Reads Warren's MBeans in the server, as a JMX client would.
     *
     * @return how many MBeans match the pattern, a space, and the sum of the attribute over them
     */
    @POST
    @Path("mbeans")
    public String mbeans(@QueryParam("pattern") String pattern, @QueryParam("attribute") String attribute)
            throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long sum = 0;
        int found = 0;
        for (ObjectName name : server.queryNames(new ObjectName(pattern), null)) {
            sum += ((Number) server.getAttribute(name, attribute)).longValue();
            found++;
        }
        return found + " " + sum;
    }

    @POST
    @Path("echo")
    public String echo(@QueryParam("text") String text) {
        publisher.publishToEcho(text);
        return "sent";
    }

    /** Asks the price MDB: the answer, or "failed: " and the reason the test reads. */
    @POST
    @Path("ask")
    public String ask(@QueryParam("product") String product, @QueryParam("mode") String mode) {
        try {
            return switch (mode == null ? "" : mode) {
                case "async" -> asker.askAsync(product);
                case "transaction" -> asker.askInTransaction(product);
                default -> asker.ask(product);
            };
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof WarrenException)) {
                cause = cause.getCause();
            }
            return "failed: " + cause.getMessage();
        }
    }
}
