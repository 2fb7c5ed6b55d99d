package io.warren.it.auth;

import jakarta.ejb.EJB;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/** What the authentication test calls over HTTP to make the application publish. */
@Path("it/auth")
public class AuthResource {

    @EJB
    AuthBean publisher;

    @POST
    @Path("tls")
    public String tls(@QueryParam("text") String text) {
        publisher.publishOverMutualTls(text);
        return "published";
    }

    @POST
    @Path("oauth2")
    public String oauth2(@QueryParam("queue") String queue, @QueryParam("text") String text) {
        publisher.declareAndPublishWithToken(queue, text);
        return "published";
    }
}
