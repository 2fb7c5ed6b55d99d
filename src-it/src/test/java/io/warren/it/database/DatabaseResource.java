package io.warren.it.database;

import jakarta.ejb.EJB;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Application;

/** What the test reads over HTTP: the committed rows and the deliveries seen. */
@Path("database")
public class DatabaseResource {

    @EJB
    TransactedDatabase database;

    @GET
    @Path("rows")
    public String rows() {
        return database.rows();
    }

    @GET
    @Path("count")
    public long count() {
        return database.count();
    }

    @POST
    @Path("clear")
    public String clear() {
        database.clear();
        return "cleared";
    }

    @GET
    @Path("connection")
    public String connection() {
        return database.driverConnection();
    }

    @GET
    @Path("deliveries")
    public String deliveries() {
        return database.deliveries();
    }

    /** Serves the resource under /rest. */
    @ApplicationPath("rest")
    public static class Rest extends Application {
    }
}
