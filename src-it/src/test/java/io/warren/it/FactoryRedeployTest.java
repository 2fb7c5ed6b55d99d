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
 * An application redeployed five times leaves no broker connection behind. In Payara the
 * application defines its own connection factory (web.xml), which must close its broker
 * connection when the application goes; in WildFly the factory is the server's (configured in
 * the resource-adapters subsystem) and keeps its one connection across the application's deployments.
 */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class FactoryRedeployTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int DEPLOYMENTS = 5;

    @Deployment(name = "rar", order = 1, managed = false, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    @Deployment(name = "app", order = 2, managed = false, testable = false)
    static WebArchive app() {
        return Deployments.standaloneWar();
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void redeployingAnApplicationLeavesNoBrokerConnectionBehind() throws Exception {
        int kept = Server.current() == Server.WILDFLY ? 1 : 0;
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
                    deployer.undeploy("app");
                }
                ItBroker.await("at most " + kept + " outbound connection(s) after " + DEPLOYMENTS + " deployments",
                        WAIT, () -> {
                            try {
                                return ItBroker.connectionsNamed(Deployments.OUTBOUND_CONNECTION) <= kept;
                            } catch (Exception e) {
                                return false;
                            }
                        });
            } finally {
                deployer.undeploy("rar");
            }
        }
    }
}
