package io.warren.it;

import io.warren.it.app.Queues;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** warren.rar inside the application's EAR. */
@DisabledIfSystemProperty(named = "it.server", matches = "payara-micro",
        disabledReason = "Payara Micro deploys no EARs: it takes warren.rar at boot and the application as a WAR")
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class RarInEarTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Deployment(testable = false)
    static EnterpriseArchive app() {
        return Deployments.ear();
    }

    @BeforeEach
    void emptyQueues() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.resetQueues(Queues.OUT, Queues.TX);
            broker.purge(Queues.IN);
        }
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.delete(Queues.OUT, Queues.TX);
        }
    }

    @Test
    void anEjbPublishesAndAnMdbReceivesWithTheAdapterInsideTheEar(@ArquillianResource URL base) throws Exception {
        Http.post(base, "echo?text=inside-the-ear");
        try (ItBroker broker = new ItBroker()) {
            ItBroker.await("the echo", WAIT, () -> broker.count(Queues.OUT) == 1);
            assertEquals("inside-the-ear", ItBroker.text(broker.get(Queues.OUT)));
        }
    }

    @Test
    void transactionsWorkWithTheAdapterInsideTheEar(@ArquillianResource URL base) throws Exception {
        Http.post(base, "tx?count=3&rollback=true");
        Http.post(base, "tx?count=2&rollback=false");
        try (ItBroker broker = new ItBroker()) {
            assertEquals(2, broker.count(Queues.TX));
        }
    }
}
