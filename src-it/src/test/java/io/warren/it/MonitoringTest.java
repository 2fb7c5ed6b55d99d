package io.warren.it;

import io.warren.it.app.Queues;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Warren's MBeans and readiness check, read in the server as operators read them. */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class MonitoringTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** The MDBs reconnect with a wait that doubles up to maxReconnectIntervalMillis after the broker is back. */
    private static final Duration BACK = Duration.ofSeconds(150);
    private static final String ACTIVATION = "io.warren:type=Activation,queue=" + Queues.COUNTED + ",*";
    private static final String FACTORY = "io.warren:type=ConnectionFactory,name=" + Deployments.OUTBOUND_CONNECTION
            + ",*";

    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() throws Exception {
        // the factory counts the publishes of every MDB of the application: messages an interrupted
        // earlier run left in their queues would be taken and published on during the count
        try (ItBroker broker = new ItBroker()) {
            broker.deleteQueuesStartingWith("warren.it.");
        }
        return Deployments.rar();
    }

    @Deployment(name = "app", order = 2, testable = false)
    static WebArchive app() {
        return Deployments.standaloneWar();
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.delete(Queues.COUNTED);
        }
    }

    /** @return the sum of the attribute over the MBeans the pattern matches; fails unless there is exactly one */
    private static long attribute(URL base, String pattern, String attribute) throws Exception {
        String[] answer = Http.post(base, "mbeans?pattern=" + URLEncoder.encode(pattern, StandardCharsets.UTF_8)
                + "&attribute=" + attribute).split(" ");
        assertEquals("1", answer[0], "MBeans matching " + pattern);
        return Long.parseLong(answer[1]);
    }

    private static long quietly(URL base, String pattern, String attribute) {
        try {
            return attribute(base, pattern, attribute);
        } catch (Exception | AssertionError e) {
            return -1;
        }
    }

    @Test
    void theMBeansCountTheMessagesPublishedAndConsumed(@ArquillianResource @OperateOnDeployment("app") URL base)
            throws Exception {
        int n = 40;
        ItBroker.await("the MDB's consumers", WAIT, () -> quietly(base, ACTIVATION, "ConsumersConnected") == 2);
        // other tests of this class may have sent the MDB messages already
        long acks = attribute(base, ACTIVATION, "Acks");
        long deliveries = attribute(base, ACTIVATION, "Deliveries");
        long onMessage = attribute(base, ACTIVATION, "OnMessageCount");
        Http.post(base, "counted?count=1"); // the factory's MBean exists from its first managed connection
        ItBroker.await("the first message acked", WAIT, () -> quietly(base, ACTIVATION, "Acks") == acks + 1);
        long publishes = attribute(base, FACTORY, "Publishes");
        long confirms = attribute(base, FACTORY, "Confirms");

        assertEquals("published " + n, Http.post(base, "counted?count=" + n));
        ItBroker.await(n + " more acks", WAIT, () -> quietly(base, ACTIVATION, "Acks") == acks + n + 1);
        assertEquals(deliveries + n + 1, attribute(base, ACTIVATION, "Deliveries"));
        assertEquals(onMessage + n + 1, attribute(base, ACTIVATION, "OnMessageCount"));
        assertEquals(0, attribute(base, ACTIVATION, "Requeues"));
        assertEquals(0, attribute(base, ACTIVATION, "DeliveriesInFlight"));
        assertEquals(n, attribute(base, FACTORY, "Publishes") - publishes);
        assertEquals(n, attribute(base, FACTORY, "Confirms") - confirms);
        assertEquals(1, attribute(base, FACTORY, "ConnectionsOpen"));
        System.out.printf("%s: %d messages published and consumed, counted in Warren's MBeans%n", Server.current(), n);
    }

    @Test
    void readinessIsDownWhileTheBrokerIsStoppedAndUpWhenItIsBack(
            @ArquillianResource @OperateOnDeployment("app") URL base) throws Exception {
        URI readiness = Server.current().readiness(base);
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        ItBroker.await("ready with Warren's check in it", WAIT, () -> answered(readiness, last, 200, "\"warren\""));
        long started = System.nanoTime();
        try {
            ItBroker.rabbitmqctl("stop_app");
            ItBroker.await("not ready while the broker is stopped", WAIT, () -> answered(readiness, last, 503,
                    "\"warren\""));
            String body = last.get().body();
            assertTrue(body.contains("DOWN"), body);
            assertTrue(body.contains("0 of 2 consumers"), body);
            System.out.printf("%s: readiness while the broker is stopped: %s%n", Server.current(), body);
        } finally {
            ItBroker.rabbitmqctl("start_app");
            ItBroker.rabbitmqctl("await_startup");
        }
        ItBroker.await("ready again with the broker back", BACK, () -> answered(readiness, last, 200, "\"warren\""));
        System.out.printf("%s: ready again %d s after the broker was stopped%n", Server.current(),
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /**
     * Payara serves what the application's MicroProfile Metrics registry holds; warren-cdi puts
     * Warren's MBeans there. WildFly 37 and 39 have no MicroProfile Metrics, and their Micrometer
     * subsystem reads neither MBeans nor an application's registry; GlassFish 8 has MicroProfile
     * Health but no Metrics.
     */
    @Test
    void payaraServesWarrensMBeansAtItsMetricsEndpoint(@ArquillianResource @OperateOnDeployment("app") URL base)
            throws Exception {
        assumeTrue(Server.current().servesMicroProfileMetrics(), Server.current() + " has no MicroProfile Metrics");
        URI metrics = base.toURI().resolve("/metrics?scope=application");
        ItBroker.await("the MDB's consumers", WAIT, () -> quietly(base, ACTIVATION, "ConsumersConnected") == 2);
        Http.post(base, "counted?count=3");
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        ItBroker.await("the MDB's acks at /metrics as in its MBean", WAIT, () -> {
            long acks = quietly(base, ACTIVATION, "Acks");
            return acks >= 3 && metric(metrics, last, "warren_activation_acks", Queues.COUNTED) == acks;
        });
        String body = last.get().body();
        assertTrue(body.contains("warren_activation_consumers_connected"), body);
        assertTrue(body.contains("warren_connection_factory_publishes"), body);
        System.out.printf("%s: Warren's MBeans at /metrics, e.g. %s%n", Server.current(), body.lines()
                .filter(line -> line.startsWith("warren_activation_acks{")).findFirst().orElse(""));
    }

    /** @return the value of the metric whose labels name the queue, or -1 */
    private static double metric(URI uri, AtomicReference<HttpResponse<String>> last, String name, String queue) {
        try {
            HttpResponse<String> response = Http.get(uri);
            last.set(response);
            for (String line : response.body().split("\n")) {
                if (line.startsWith(name + "{") && line.contains("queue=\"" + queue + "\"")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (Exception e) {
            // not served yet
        }
        return -1;
    }

    private static boolean answered(URI uri, AtomicReference<HttpResponse<String>> last, int status, String text) {
        try {
            HttpResponse<String> response = Http.get(uri);
            last.set(response);
            return response.statusCode() == status && response.body().contains(text);
        } catch (Exception e) {
            return false;
        }
    }
}
