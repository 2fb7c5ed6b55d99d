package io.warren.it.rotation;

import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;

import java.util.UUID;

/** Made once per deployment: the same id before and after a rotation shows the application was not redeployed. */
@Singleton
@Startup
public class DeploymentId {

    private final String id = UUID.randomUUID().toString();

    public String id() {
        return id;
    }
}
