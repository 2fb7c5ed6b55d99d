package io.warren.it.rotation;

import jakarta.ejb.EJB;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import javax.naming.NamingException;

/** What RotationTest calls over HTTP: a publish through the server's factory, and the deployment's id. */
@Path("it/rotation")
public class RotationResource {

    @EJB
    RotationBean publisher;

    @EJB
    DeploymentId deployment;

    @POST
    @Path("publish")
    public String publish(@QueryParam("queue") String queue, @QueryParam("text") String text) throws NamingException {
        publisher.publish(queue, text);
        return "published";
    }

    @POST
    @Path("deployment")
    public String deployment() {
        return deployment.id();
    }
}
