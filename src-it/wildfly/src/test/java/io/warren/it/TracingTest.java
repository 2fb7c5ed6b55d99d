package io.warren.it;

import com.rabbitmq.client.GetResponse;
import io.warren.it.tracing.TracingMdb;
import io.warren.it.tracing.TracingResource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WildFly only (its opentelemetry subsystem, added by src/test/cli): a REST request that the
 * subsystem traces publishes through warren.rar, and the MDB that receives the message runs in
 * the same trace, as does what the MDB publishes in turn.
 */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class TracingTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String OUT = TracingResource.OUT;

    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.rar();
    }

    @Deployment(name = "tracing", order = 2, testable = false)
    static WebArchive app() {
        return ShrinkWrap.create(WebArchive.class, "warren-tracing.war")
                .addPackage(TracingResource.class.getPackage())
                .addAsLibrary(ShrinkWrap.createFromZipFile(JavaArchive.class, new File(System.getProperty("warren.cdi.jar"))))
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsManifestResource(new StringAsset("Dependencies: deployment.warren.rar\n"), "MANIFEST.MF")
                .addAsWebInfResource(new StringAsset(Deployments.jbossEjb3Xml(List.of(TracingMdb.class),
                        null)), "jboss-ejb3.xml");
    }

    @BeforeEach
    void emptyQueues() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.resetQueues(OUT);
            broker.purge(TracingResource.IN);
        }
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.delete(OUT);
        }
    }

    @Test
    void anMdbContinuesTheTraceOfTheRequestThatPublished(@ArquillianResource @OperateOnDeployment("tracing") URL base)
            throws Exception {
        URI uri = base.toURI().resolve("rest/trace");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                .timeout(WAIT).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        String traceId = response.body().trim();
        assertTrue(traceId.matches("[0-9a-f]{32}") && !traceId.matches("0+"),
                "the subsystem traces the request: trace id '" + traceId + "'");

        try (ItBroker broker = new ItBroker()) {
            ItBroker.await("the MDB's answer", WAIT, () -> broker.count(OUT) == 1);
            GetResponse answer = broker.get(OUT);
            Map<String, Object> headers = answer.getProps().getHeaders();
            String received = headers.get("received-traceparent").toString();
            assertTrue(received.startsWith("00-" + traceId + "-"), "the published message's traceparent: " + received);
            assertEquals(traceId, headers.get("current-trace-id").toString(), "Span.current() in the MDB");
            String onward = String.valueOf(headers.get("traceparent"));
            assertTrue(onward.startsWith("00-" + traceId + "-"), "what the MDB published carries the trace on: " + onward);
        }
    }
}
