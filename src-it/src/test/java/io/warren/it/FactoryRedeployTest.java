package io.warren.it;

import io.warren.it.app.Queues;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

/**
 * An application that defines its own connection factory (a {@code <connection-factory>} in its
 * web.xml), redeployed five times, leaves no broker connection behind: the factory closes its
 * broker connection when the server's pool lets go of its last managed connection at undeploy.
 */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class FactoryRedeployTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int DEPLOYMENTS = 5;
    private static final String APPLICATION_CONNECTION = "warren-it-application-factory";

    @Deployment(name = "rar", order = 1, managed = false, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    @Deployment(name = "app", order = 2, managed = false, testable = false)
    static WebArchive app() {
        return Deployments.warWithOwnFactory(APPLICATION_CONNECTION);
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void redeployingAnApplicationLeavesNoBrokerConnectionBehind() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.resetQueues(Queues.IN, Queues.OUT);
            deployer.deploy("rar");
            try {
                for (int deployment = 1; deployment <= DEPLOYMENTS; deployment++) {
                    int echoes = deployment;
                    deployer.deploy("app");
                    // the MDB echoes through the application's connection factory, which connects
                    broker.publish(Queues.IN, "deployment " + deployment);
                    ItBroker.await("echo " + deployment, WAIT, () -> broker.count(Queues.OUT) == echoes);
                    ItBroker.await("the echo published through the application's own factory", WAIT,
                            () -> connectionsOfTheApplication() == 1);
                    deployer.undeploy("app");
                }
                ItBroker.await("no connection of the application's factory after " + DEPLOYMENTS + " deployments",
                        WAIT, () -> connectionsOfTheApplication() == 0);
            } finally {
                deployer.undeploy("rar");
            }
        }
    }

    private static int connectionsOfTheApplication() {
        try {
            return ItBroker.connectionsNamed(APPLICATION_CONNECTION);
        } catch (Exception e) {
            return -1;
        }
    }
}
