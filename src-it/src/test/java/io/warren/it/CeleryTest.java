package io.warren.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.it.app.Queues;
import io.warren.testnode.CeleryPeer;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Celery both ways inside the server (docs/interop.md), with a real Celery 5.2 (Debian's
 * python3-celery) running the harness's {@code celery_peer.py}: an EJB sends tasks to a Celery
 * worker and reads their results over {@code rpc://}; a Python Celery client calls a task an MDB
 * serves and gets its result. One worker for the class, on a queue of its own, stopped after.
 */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class CeleryTest extends Deployments.StandaloneApp {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static CeleryPeer worker;

    @BeforeAll
    static void startTheWorker() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.delete(Queues.CELERY_WORKER);   // tasks an interrupted earlier run left
        }
        worker = new CeleryPeer(Path.of(System.getProperty("warren.it.celery.peer",
                Path.of("..", "..", "core", "src", "test", "python").toString())));
        worker.startWorker(Queues.CELERY_WORKER, WAIT, () -> ItBroker.consumers(Queues.CELERY_WORKER));
    }

    @AfterAll
    static void stopTheWorker() throws Exception {
        if (worker != null) {
            worker.close();
        }
        // the queues go once every class has run (LeftoverQueues): the MDB's is consumed until the undeploy
        try (ItBroker broker = new ItBroker()) {
            broker.delete(Queues.CELERY_WORKER, Queues.CELERY_JAVA + ".dead-letters");
        }
    }

    @Test
    void anEjbCallsACeleryWorkersTaskAndReadsItsResultOverRpc(@ArquillianResource @OperateOnDeployment("app") URL base)
            throws Exception {
        assertEquals("result 50", Http.post(base, "celery?task=add&x=2&y=3"), worker::log);
        assertEquals("raised builtins.ValueError: no such account", Http.post(base, "celery?task=fail&text=no+such+account"),
                worker::log);
        String refused = Http.post(base, "celery?task=add-in-transaction&x=1&y=1");
        assertTrue(refused.startsWith("failed: ") && refused.contains("inside a JTA transaction"), refused);
        try (ItBroker broker = new ItBroker()) {
            ItBroker.await("the worker's queue empty and acked", WAIT, () -> broker.count(Queues.CELERY_WORKER) == 0
                    && ItBroker.unacknowledgedNow(Queues.CELERY_WORKER) == 0);
        }
    }

    @Test
    void aPythonCeleryClientCallsATaskAnMdbServesAndGetsItsResultOrItsException() throws Exception {
        ItBroker.await("the Celery MDB's consumer", WAIT, () -> ItBroker.consumersNow(Queues.CELERY_JAVA) == 1);
        JsonNode answer = worker.call(Queues.CELERY_JAVA, "java.multiply", "[21]", "{\"by\": 2}");
        assertEquals(42, answer.path("result").asInt(-1), answer::toString);
        JsonNode raised = worker.call(Queues.CELERY_JAVA, "java.refuse", "[\"acme\"]", "{}");
        assertEquals("IllegalArgumentException", raised.path("error_type").asText(), raised::toString);
        assertEquals("[\"no such account: acme\"]", raised.path("error_args").toString());
        try (ItBroker broker = new ItBroker()) {
            ItBroker.await("both tasks acked", WAIT,
                    () -> broker.count(Queues.CELERY_JAVA) == 0 && ItBroker.unacknowledgedNow(Queues.CELERY_JAVA) == 0);
            assertEquals(-1, broker.count(Queues.CELERY_JAVA + ".dead-letters"), "nothing dead-lettered");
        }
    }
}
