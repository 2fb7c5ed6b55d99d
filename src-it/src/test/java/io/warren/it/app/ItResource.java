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

    @EJB
    CeleryBean celery;

    @EJB
    KombuClientBean kombu;

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
            return failed(e);
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
            return failedWithEveryCause(e);
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

    /** Calls a task of the Celery worker: "result ...", "raised ...", or "failed: " and the reason. */
    @POST
    @Path("celery")
    public String celery(@QueryParam("task") String task, @QueryParam("x") int x, @QueryParam("y") int y,
                         @QueryParam("text") String text) {
        try {
            return switch (task) {
                case "add" -> celery.add(x, y, 10);
                case "fail" -> celery.fail(text);
                case "add-in-transaction" -> celery.addInTransaction(x, y);
                default -> throw new IllegalArgumentException("no such task: " + task);
            };
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    @POST
    @Path("simple-queue")
    public String simpleQueue() {
        return kombu.simpleQueue();
    }

    /** Publishes with a retry policy, in a transaction or not: "published", or "failed: " and every cause. */
    @POST
    @Path("retry-publish")
    public String retryPublish(@QueryParam("text") String text, @QueryParam("transaction") boolean transaction) {
        try {
            if (transaction) {
                kombu.publishWithRetryInTransaction(text);
            } else {
                kombu.publishWithRetry(text);
            }
            return "published";
        } catch (RuntimeException e) {
            return failedWithEveryCause(e);
        }
    }

    private static String failedWithEveryCause(RuntimeException e) {
        StringBuilder failure = new StringBuilder("failed:");
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            failure.append(' ').append(cause.getMessage());
        }
        return failure.toString();
    }

    /** @return "failed: " and the message of the first WarrenException among the causes (or of the last cause) */
    private static String failed(RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof WarrenException)) {
            cause = cause.getCause();
        }
        return "failed: " + cause.getMessage();
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
            return failed(e);
        }
    }
}
