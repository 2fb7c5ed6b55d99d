package io.warren.it;

import io.warren.it.app.Queues;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Request and reply inside the server (docs/rpc.md): an EJB asks through its injected producer, an
 * MDB of the same WAR that implements {@code ReplyingListener} answers, over direct reply-to.
 */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class RequestReplyTest extends Deployments.StandaloneApp {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @AfterAll
    static void deleteQueues() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.delete(Queues.PRICES + ".dead-letters");
        }
    }

    private static void awaitTheMdb() throws Exception {
        ItBroker.await("the price MDB's consumers", WAIT, () -> {
            try {
                return ItBroker.consumers(Queues.PRICES) == 2;
            } catch (Exception notYet) {
                return false;
            }
        });
    }

    @Test
    void anEjbAsksAndTheMdbOfTheSameWarAnswers(@ArquillianResource @OperateOnDeployment("app") URL base)
            throws Exception {
        awaitTheMdb();
        assertEquals("price of tea from " + Queues.PRICES, Http.post(base, "ask?product=tea"));
        assertEquals("price of milk from " + Queues.PRICES, Http.post(base, "ask?product=milk&mode=async"));
        assertEquals("no price for nothing !unknown-product", Http.post(base, "ask?product=nothing"),
                "an error reply, with its header");
        try (ItBroker broker = new ItBroker()) {
            ItBroker.await("the requests acked", WAIT, () -> broker.count(Queues.PRICES) == 0);
        }
    }

    @Test
    void aRequestInsideTheEjbsTransactionIsRefusedSayingWhy(@ArquillianResource @OperateOnDeployment("app") URL base)
            throws Exception {
        awaitTheMdb();
        String answer = Http.post(base, "ask?product=tea&mode=transaction");
        assertTrue(answer.startsWith("failed: ") && answer.contains("inside a JTA transaction"), answer);
    }
}
