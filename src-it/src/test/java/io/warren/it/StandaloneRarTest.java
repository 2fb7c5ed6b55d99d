package io.warren.it;

import com.rabbitmq.client.GetResponse;
import io.warren.it.app.Queues;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** warren.rar deployed on its own, the application in a WAR beside it. */
@ExtendWith({ArquillianExtension.class, ServerLogOnFailure.class})
@RunAsClient
class StandaloneRarTest extends Deployments.StandaloneApp {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeEach
    void emptyQueues() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.resetQueues(Queues.OUT, Queues.TX, Queues.LOAD, Queues.HOLD_DONE, Queues.RETRY_DONE);
            broker.purge(Queues.IN, Queues.FAIL, Queues.ROLLBACK);
            broker.delete(Queues.FAIL + ".dead-letters");
        }
    }

    @AfterAll
    static void deleteQueues() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.delete(Queues.OUT, Queues.TX, Queues.LOAD, Queues.FAIL + ".dead-letters", Queues.HOLD_DONE,
                    Queues.SINK, Queues.RETRY_DONE);
            for (long delay = 1000; delay <= 8000; delay *= 2) {
                broker.delete(Queues.RETRY + ".retries." + delay + "ms");
            }
        }
    }

    @Test
    void anMdbReceivesAPublishedMessage() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.publish(Queues.IN, "hello");
            ItBroker.await("the echo", WAIT, () -> broker.count(Queues.OUT) == 1);
            GetResponse echo = broker.get(Queues.OUT);
            assertEquals("hello", ItBroker.text(echo));
            assertEquals(Queues.IN, echo.getProps().getHeaders().get("received-from").toString());
        }
    }

    @Test
    void anEjbWithAnInjectedProducerReachesTheMdb(@ArquillianResource @OperateOnDeployment("app") URL base)
            throws Exception {
        Http.post(base, "echo?text=from-ejb");
        try (ItBroker broker = new ItBroker()) {
            ItBroker.await("the echo", WAIT, () -> broker.count(Queues.OUT) == 1);
            assertEquals("from-ejb", ItBroker.text(broker.get(Queues.OUT)));
        }
    }

    @Test
    void aThrowingMdbGetsTheMessageAgainThenItIsDeadLetteredWithTheReason() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.publish(Queues.FAIL, "poison");
            String deadLetters = Queues.FAIL + ".dead-letters";
            ItBroker.await("the dead letter", WAIT, () -> broker.count(deadLetters) == 1);
            Map<String, Object> headers = broker.get(deadLetters).getProps().getHeaders();
            assertEquals(3, headers.get("x-warren-deliveries"));
            assertEquals(IllegalStateException.class.getName(), headers.get("x-warren-exception").toString());
            assertEquals("cannot handle poison", headers.get("x-warren-exception-message").toString());
            assertEquals(0, broker.count(Queues.FAIL));
        }
    }

    @Test
    void aMessageWhoseMdbFailsTwiceArrivesTheThirdTimeAfterTheRedeliveryDelays() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            long published = System.nanoTime();
            broker.publish(Queues.RETRY, "retry-me");
            ItBroker.await("the third delivery", WAIT, () -> broker.count(Queues.RETRY_DONE) == 1);
            long elapsed = (System.nanoTime() - published) / 1_000_000;
            GetResponse done = broker.get(Queues.RETRY_DONE);
            assertEquals("retry-me", ItBroker.text(done));
            assertEquals(3, ((Number) done.getProps().getHeaders().get("delivery")).intValue());
            System.out.printf("redelivery in the server: failed twice, delays 1000 + 2000 ms, third delivery done "
                    + "%d ms after publishing%n", elapsed);
            // the delays are the feature: at least their sum, and not much more on this small machine
            assertTrue(elapsed >= 3_000 && elapsed < 13_000, "done after " + elapsed + " ms");
            assertEquals(0, broker.count(Queues.RETRY));
            assertEquals(0, broker.count(Queues.RETRY + ".retries.1000ms"));
            assertEquals(0, broker.count(Queues.RETRY + ".retries.2000ms"));
        }
    }

    @Test
    void aPoisonMessageWhoseParkingQueueAnOperatorDeletedIsParkedNotLost() throws Exception {
        String deadLetters = Queues.FAIL + ".dead-letters";
        try (ItBroker broker = new ItBroker()) {
            broker.publish(Queues.FAIL, "poison-1");
            ItBroker.await("the first dead letter", WAIT, () -> broker.count(deadLetters) == 1);
            broker.delete(deadLetters);
            broker.publish(Queues.FAIL, "poison-2");
            ItBroker.await("the second dead letter in a parking queue made anew", WAIT,
                    () -> broker.count(deadLetters) == 1);
            assertEquals("poison-2", ItBroker.text(broker.get(deadLetters)));
            ItBroker.await("the original acked", WAIT, () -> broker.count(Queues.FAIL) == 0
                    && unacked(Queues.FAIL) == 0);
        }
    }

    @Test
    void consumersWhoseChannelsTheBrokerClosesAreReplacedAndTheirMessagesComeBack() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            ItBrokerSetting timeout = ItBrokerSetting.rabbitEnv("consumer_timeout");
            ItBrokerSetting tick = ItBrokerSetting.rabbitEnv("channel_tick_interval");
            try {
                timeout.set("1000");
                tick.set("500");
                // the timeout holds for channels opened after it is set: make the MDB open new ones
                ItBroker.closeConnectionsNamed("'" + Queues.HOLD + "'");
                ItBroker.await("the MDB's two consumers back", WAIT, () -> consumersOf(Queues.HOLD) == 2);
                broker.publish(Queues.HOLD, "hold-1");
                broker.publish(Queues.HOLD, "hold-2");
                // each consumer holds one past the timeout: the broker closes both channels
                ItBroker.await("both messages handled on new consumers", WAIT,
                        () -> broker.count(Queues.HOLD_DONE) == 2);
                for (GetResponse done : broker.drain(Queues.HOLD_DONE)) {
                    assertEquals(true, done.getProps().getHeaders().get("redelivered"));
                }
                ItBroker.await("two consumers again, nothing unacked", WAIT,
                        () -> consumersOf(Queues.HOLD) == 2 && unacked(Queues.HOLD) == 0);
            } finally {
                // as they were before, not as the defaults
                timeout.close();
                tick.close();
                // channels opened meanwhile keep the short timeout: let the MDB open new ones
                ItBroker.closeConnectionsNamed("'" + Queues.HOLD + "'");
            }
        }
    }

    @Test
    void underAMemoryAlarmPublishingFailsWithTheBrokersReasonInOrOutOfATransactionWhileAnMdbKeepsAcking(
            @ArquillianResource @OperateOnDeployment("app") URL base) throws Exception {
        try (ItBroker broker = new ItBroker()) {
            String[] work = new String[200];
            Arrays.setAll(work, i -> "work " + i);
            broker.publish(Queues.SINK, work); // about 4 s of work for the sink MDB
            try (ItBrokerSetting watermark = ItBrokerSetting.memoryHighWatermark()) {
                watermark.set("0.0000001");
                // the broker reads a connection's first publish under the alarm, then stops reading it and
                // says so (connection.blocked): publishes written before that word arrives still go out
                // (kept in the socket until the alarm ends); the first one after it fails in time
                AtomicReference<String> outcome = new AtomicReference<>("");
                ItBroker.await("a publish refused with the broker's reason", WAIT, () -> {
                    try {
                        outcome.set(Http.post(base, "try-load?prefix=alarm&count=1"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return outcome.get().startsWith("failed: ");
                });
                assertTrue(outcome.get().contains("low on memory"), outcome.get());
                // a publish inside a container transaction fails after the same wait: the transaction sends
                // nothing before it (a tx.select would not be read, and the transaction manager retries a
                // failed enlistment), and its rollback sends nothing either
                String transacted = Http.post(base, "try-tx?count=1");
                assertTrue(transacted.startsWith("failed:") && transacted.contains("low on memory"), transacted);
                ItBroker.await("every message of the sink MDB acked under the alarm", WAIT,
                        () -> ready(Queues.SINK) == 0 && unacked(Queues.SINK) == 0);
            }
        }
    }

    private static int ready(String queue) {
        try {
            return ItBroker.ready(queue);
        } catch (Exception e) {
            return -1;
        }
    }

    private static int consumersOf(String queue) {
        try {
            return ItBroker.consumers(queue);
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void anMdbWhoseTransactionIsRolledBackGetsTheMessageAgain() throws Exception {
        try (ItBroker broker = new ItBroker()) {
            broker.publish(Queues.ROLLBACK, "roll me back");
            ItBroker.await("the message handled", WAIT, () -> broker.count(Queues.ROLLBACK) == 0
                    && broker.count(Queues.OUT) == 1 && unacked(Queues.ROLLBACK) == 0);
            List<GetResponse> out = broker.drain(Queues.OUT);
            assertEquals(1, out.size(), "the first delivery's publish was rolled back with its transaction");
            assertEquals(true, out.get(0).getProps().getHeaders().get("redelivered"));
        }
    }

    @Test
    void aProducerInATransactionPublishesOnlyWhenItCommits(@ArquillianResource @OperateOnDeployment("app") URL base)
            throws Exception {
        assertEquals("rolled back", Http.post(base, "tx?count=10&rollback=true"));
        assertEquals("committed", Http.post(base, "tx?count=5&rollback=false"));
        try (ItBroker broker = new ItBroker()) {
            assertEquals(5, broker.count(Queues.TX), "committed before the EJB call returned; nothing of the rollback");
        }
    }

    @Test
    void concurrentEjbCallsPublishEverythingThroughABoundedPool(@ArquillianResource @OperateOnDeployment("app") URL base)
            throws Exception {
        int calls = 16;
        int perCall = 1_000;
        AtomicBoolean running = new AtomicBoolean(true);
        // channels of the same name that an earlier deployment's pool still holds (Open Liberty destroys an
        // undeployed application's pooled connections only when it reaps them) are not this pool's
        int before = ItBroker.channelsOfConnectionsNamed(Deployments.OUTBOUND_CONNECTION);
        AtomicInteger mostChannels = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                try {
                    mostChannels.accumulateAndGet(
                            ItBroker.channelsOfConnectionsNamed(Deployments.OUTBOUND_CONNECTION), Math::max);
                } catch (Exception e) {
                    return;
                }
            }
        });
        sampler.start();
        ExecutorService threads = Executors.newFixedThreadPool(calls);
        List<Future<String>> results = new ArrayList<>();
        for (int call = 0; call < calls; call++) {
            int prefix = call;
            results.add(threads.submit(() -> Http.post(base, "load?prefix=" + prefix + "&count=" + perCall)));
        }
        for (Future<String> result : results) {
            assertEquals("published " + perCall, result.get(5, TimeUnit.MINUTES));
        }
        threads.shutdown();
        try (ItBroker broker = new ItBroker()) {
            ItBroker.await("every message", WAIT, () -> broker.count(Queues.LOAD) == (long) calls * perCall);
        }
        mostChannels.accumulateAndGet(ItBroker.channelsOfConnectionsNamed(Deployments.OUTBOUND_CONNECTION), Math::max);
        running.set(false);
        sampler.join();
        assertTrue(mostChannels.get() > before, "the sampler saw the pool's channels");
        assertTrue(mostChannels.get() - before <= Deployments.POOL, "the broker saw " + mostChannels.get()
                + " channels, " + before + " of them open before the calls");
        System.out.printf("%s: %d EJB calls x %d messages, at most %d channels for a pool of %d%n",
                Server.current(), calls, perCall, mostChannels.get() - before, Deployments.POOL);
    }

    private static int unacked(String queue) {
        try {
            return ItBroker.unacknowledged(queue);
        } catch (Exception e) {
            return -1;
        }
    }
}
