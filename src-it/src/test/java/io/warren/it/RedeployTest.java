package io.warren.it;

import com.rabbitmq.client.GetResponse;
import io.warren.it.app.Queues;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Undeploying a busy application stops its consumers without losing a message; redeploying resumes. */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class RedeployTest extends Deployments.StandaloneAppDeployedByTheTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int MESSAGES = 300;

    @ArquillianResource
    Deployer deployer;

    private static String deadLetterHeaders(ItBroker broker) throws Exception {
        GetResponse deadLetter = broker.peek(Queues.SLOW + ".dead-letters");
        return deadLetter == null ? "" : " (the first: " + deadLetter.getProps().getHeaders() + ")";
    }

    @Test
    void undeployingWhileBusyLosesNothingAndRedeployingResumes() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.resetQueues(Queues.SLOW, Queues.SLOW_DONE);
            broker.publish(Queues.SLOW, IntStream.range(0, MESSAGES).mapToObj(i -> "m-" + i).toArray(String[]::new));
            deployer.deploy("rar");
            deployer.deploy("app");
            ItBroker.await("some messages handled", WAIT, () -> broker.count(Queues.SLOW_DONE) >= 30);
            deployer.undeploy("app");

            assertEquals(0, ItBroker.channelsOfConnectionsNamed("(inbound"), "the consumers are gone");
            assertEquals(0, ItBroker.unacknowledged(Queues.SLOW), "nothing held unacknowledged");
            long handled = broker.count(Queues.SLOW_DONE);
            assertTrue(handled < MESSAGES, "undeployed while busy: " + handled + " handled");
            // a bounded wait, not a snapshot: the last transactions' publishes may reach their queue just
            // after undeploy returns (Payara Micro once showed 3 of 300 missing at the first count)
            try {
                ItBroker.await("every message handled or waiting", WAIT,
                        () -> broker.count(Queues.SLOW_DONE) + broker.count(Queues.SLOW) >= MESSAGES);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + ": " + broker.count(Queues.SLOW_DONE) + " handled, "
                        + broker.count(Queues.SLOW) + " waiting, " + ItBroker.unacknowledged(Queues.SLOW)
                        + " unacknowledged, " + broker.count(Queues.SLOW + ".dead-letters") + " dead-lettered"
                        + deadLetterHeaders(broker), e);
            }
            assertEquals(-1, broker.count(Queues.SLOW + ".dead-letters"), "an undeploy dead-letters nothing");

            deployer.deploy("app");
            ItBroker.await("the rest handled after redeploy", WAIT, () -> broker.count(Queues.SLOW) == 0
                    && broker.count(Queues.SLOW_DONE) >= MESSAGES);
            deployer.undeploy("app");
            deployer.undeploy("rar");

            Set<String> done = new HashSet<>();
            for (GetResponse response : broker.drain(Queues.SLOW_DONE)) {
                done.add(ItBroker.text(response));
            }
            assertEquals(MESSAGES, done.size(), "every message handled at least once");
            ItBroker.await("no channel of the adapter left open", Duration.ofSeconds(10), () -> {
                try {
                    return ItBroker.channelsOfConnectionsNamed("(inbound") == 0
                            && ItBroker.channelsOfConnectionsNamed(Deployments.OUTBOUND_CONNECTION) == 0;
                } catch (Exception e) {
                    return false;
                }
            });
            broker.delete(Queues.SLOW, Queues.SLOW_DONE);
        }
    }
}
