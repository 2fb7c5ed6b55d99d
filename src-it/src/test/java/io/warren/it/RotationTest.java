package io.warren.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A password rotated in the server's own secret store reaches the new connections of a factory the
 * server defines, and the application is not redeployed (docs/security.md, "Passwords rotated without a
 * redeploy"): WildFly's Elytron credential store, then a reload; Payara's password alias, then the pool's
 * property set again. The test creates the broker user and changes its password as an operator would.
 * Last of all the classes (@Order, src-it/pom.xml): WildFly's reload restarts every deployment.
 */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
@Order(Integer.MAX_VALUE)
class RotationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String QUEUE = "warren.it.rotation";
    private static final URI APP = URI.create("http://127.0.0.1:8080/warren-it-rotation/rest/it/rotation/");

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    /** Deployed by the test once the server's factory exists. */
    @Deployment(name = "app", order = 2, testable = false, managed = false)
    static WebArchive app() {
        ServerSecrets secrets = ServerSecrets.current();
        return Deployments.rotationWar(secrets == null ? "unused" : secrets.factory());
    }

    @Test
    void aSecretRotatedInTheServersStoreSignsOnNewConnectionsWithoutARedeploy() throws Exception {
        ServerSecrets secrets = ServerSecrets.current();
        assumeTrue(secrets != null, Server.current() + ": rotation is not tested here (docs/security.md)");
        String first = "first-" + Long.toHexString(System.nanoTime());
        String second = "second-" + Long.toHexString(System.nanoTime());
        boolean deployed = false;
        try (ItBroker broker = new ItBroker()) {
            broker.resetQueues(QUEUE);
            deleteUser();
            ItBroker.rabbitmqctl("add_user", ServerSecrets.USER, first);
            ItBroker.rabbitmqctl("set_permissions", "-p", "/", ServerSecrets.USER, ".*", ".*", ".*");
            secrets.prepare();
            deployer.deploy("app");
            deployed = true;
            String deployment = post("deployment").body();

            // the store held a secret no user has: the first rotation gives it the user's
            secrets.store(first);
            secrets.refresh();
            publish("signed on with the first secret");
            List<String> before = connectionsOf(ServerSecrets.USER);
            assertEquals(1, before.size(), "one connection signed on as " + ServerSecrets.USER + ": " + before);

            ItBroker.rabbitmqctl("change_password", ServerSecrets.USER, second);
            secrets.store(second);
            secrets.refresh();
            publish("signed on with the second secret");
            ItBroker.await("the first secret's connection replaced by one signed on with the second", WAIT, () -> {
                List<String> now = connectionsOfNow(ServerSecrets.USER);
                return now.size() == 1 && !before.contains(now.get(0));
            });

            String deploymentAfter = post("deployment").body();
            if (secrets.refreshKeepsApplicationsRunning()) {
                assertEquals(deployment, deploymentAfter, "the application ran on, neither redeployed nor restarted");
            } else {
                assertTrue(!deployment.equals(deploymentAfter), "the reload restarted the application in place");
            }
            List<String> received = new ArrayList<>();
            broker.drain(QUEUE).forEach(message -> received.add(ItBroker.text(message)));
            assertEquals(List.of("signed on with the first secret", "signed on with the second secret"), received);
        } finally {
            try {
                if (deployed) {
                    deployer.undeploy("app");
                }
                secrets.cleanUp();
            } finally {
                deleteUser();
                try (ItBroker broker = new ItBroker()) {
                    broker.delete(QUEUE);
                }
            }
        }
    }

    /** Publishes through the server's factory, waiting for the server to take the secret (an attempt signed on with the old one is refused). */
    private static void publish(String text) {
        ItBroker.await("a publish through the server's factory: " + text, WAIT, () -> {
            try {
                return post("publish?queue=" + QUEUE + "&text=" + text.replace(' ', '+')).statusCode() == 200;
            } catch (Exception notYet) {
                return false;
            }
        });
    }

    private static HttpResponse<String> post(String pathAndQuery) throws Exception {
        return Http.send(APP.resolve(pathAndQuery));
    }

    /** @return the broker's connections signed on as the user, each as its process id */
    private static List<String> connectionsOf(String user) throws Exception {
        String json = ItBroker.rabbitmqctl("list_connections", "pid", "user", "--formatter", "json");
        List<String> pids = new ArrayList<>();
        for (JsonNode connection : new ObjectMapper().readTree(json.substring(json.indexOf('[')))) {
            if (connection.get("user").asText().equals(user)) {
                pids.add(connection.get("pid").asText());
            }
        }
        return pids;
    }

    private static List<String> connectionsOfNow(String user) {
        try {
            return connectionsOf(user);
        } catch (Exception notNow) {
            return List.of();
        }
    }

    private static void deleteUser() {
        try {
            ItBroker.rabbitmqctl("delete_user", ServerSecrets.USER);
        } catch (Exception noSuchUser) {
            // nothing to delete
        }
    }
}
