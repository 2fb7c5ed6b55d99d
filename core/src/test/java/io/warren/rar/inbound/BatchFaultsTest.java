package io.warren.rar.inbound;

import com.rabbitmq.client.Channel;
import io.warren.Queue;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.BrokerSetting;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batches under the faults of docs/failure-modes.md, each produced for real on the broker
 * (shared/faults.md) and put back: nothing is lost, and nothing of a batch that did not commit is
 * acked. Each test ends with every message handled and the queue empty, counted by the broker.
 */
@ResourceLock(Broker.LOCK) // restarts the broker, changes its consumer timeout and memory watermark
class BatchFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(1);
    private final String queue = broker.queueName("batch-faults");
    private final Set<String> committed = Collections.synchronizedSet(new HashSet<>());
    private final CountDownLatch inFirstBatch = new CountDownLatch(1);
    private final CountDownLatch letGo = new CountDownLatch(1);

    @AfterEach
    void cleanUp() {
        letGo.countDown();
        Broker.startAppIfStopped();
        harness.close();
        broker.close();
    }

    private WarrenActivationSpec spec() {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setPrefetch("10");
        spec.setBatchSize("5");
        spec.setBatchTimeoutMillis("200");
        spec.setReconnectIntervalMillis("100");
        return spec;
    }

    /** Records what each committed batch held; the first batch waits for {@link #letGo} if asked to. */
    private TestEndpointFactory mdb(boolean holdsFirstBatch) {
        AtomicBoolean first = new AtomicBoolean(true);
        return TestEndpointFactory.batches(true, messages -> {
            if (holdsFirstBatch && first.getAndSet(false)) {
                inFirstBatch.countDown();
                await(letGo);
            }
            messages.stream().map(message -> message.payload(String.class)).forEach(committed::add);
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** For a test that publishes before it deploys: the queue must be there to take the messages. */
    private void declareQueue() {
        try (var connection = harness.factory().getConnection()) {
            connection.declare(Queue.named(queue));
        }
    }

    private List<String> publish(String prefix, int count) {
        List<String> texts = new ArrayList<>();
        byte[][] bodies = new byte[count][];
        for (int i = 0; i < count; i++) {
            texts.add(prefix + i);
            bodies[i] = texts.get(i).getBytes(StandardCharsets.UTF_8);
        }
        broker.publish(queue, Broker.TEXT, bodies);
        return texts;
    }

    private void awaitAllCommittedAndNothingLeft(List<String> texts) {
        Broker.await("every message committed", WAIT, () -> committed.containsAll(texts),
                () -> "committed " + committed.size() + " of " + texts.size());
        Broker.await("nothing left on the broker", WAIT, () -> broker.messageCount(queue) == 0
                && Broker.unacknowledged(queue) == 0, () -> "ready " + broker.messageCount(queue) + ", unacked "
                + Broker.unacknowledged(queue));
    }

    @Test
    void aBrokerRestartWithABatchInFlightLosesNothing() throws Exception {
        TestEndpointFactory mdb = mdb(true);
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            List<String> texts = publish("restart-", 20);
            await(inFirstBatch);
            Broker.rabbitmqctl("stop_app");
            Broker.rabbitmqctl("start_app");
            Broker.rabbitmqctl("await_startup");
            letGo.countDown(); // the batch commits now, but its acks have no channel: the broker has it again
            awaitAllCommittedAndNothingLeft(texts);
            Broker.await("the consumer back", WAIT, () -> deployment.consumers() == 1);
        }
        assertEquals(mdb.beforeDeliveries.get(), mdb.afterDeliveries.get());
    }

    @Test
    void aChannelTheBrokerClosesUnderABatchGivesItBackWhole() throws Exception {
        TestEndpointFactory mdb = mdb(true);
        try (BrokerSetting timeout = BrokerSetting.rabbitEnv("consumer_timeout");
             BrokerSetting tick = BrokerSetting.rabbitEnv("channel_tick_interval")) {
            timeout.set("1000");
            tick.set("500");
            try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
                Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
                List<String> texts = publish("timeout-", 10);
                await(inFirstBatch);
                // held past the consumer timeout: the broker closes the channel and requeues the batch
                Broker.await("the batch back on a new consumer", WAIT, () -> committed.size() >= 5,
                        () -> "committed " + committed);
                letGo.countDown();
                awaitAllCommittedAndNothingLeft(texts);
            }
        }
    }

    @Test
    void batchesAreConsumedAndAckedUnderAMemoryAlarmAndAFailedBatchIsSingledOut() throws Exception {
        declareQueue();
        List<String> texts = publish("alarm-", 10);
        AtomicInteger calls = new AtomicInteger();
        TestEndpointFactory mdb = TestEndpointFactory.batches(true, messages -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("the first batch rolls back");
            }
            messages.forEach(message -> committed.add(message.payload(String.class)));
        });
        try (BrokerSetting watermark = BrokerSetting.memoryHighWatermark()) {
            watermark.set("0.0000001");
            Broker.await("the memory alarm", WAIT, Broker::memoryAlarm);
            try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
                awaitAllCommittedAndNothingLeft(texts);
                assertTrue(Broker.memoryAlarm(), "consumed while the alarm was on");
            }
        }
        assertEquals(1, mdb.rollbacks.get());
        assertEquals(5, mdb.batchSizes.get(0));
        assertEquals(List.of(1, 1, 1, 1, 1), mdb.batchSizes.subList(1, 6), "the failed batch, one at a time");
    }

    @Test
    void aQueueDeletedUnderABatchIsDeclaredAgainAndBatchesGoOn() throws Exception {
        TestEndpointFactory mdb = mdb(true);
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            publish("deleted-", 5);
            await(inFirstBatch);
            try (Channel channel = broker.channel()) {
                channel.queueDelete(queue); // its messages go with it: the user's doing, not a loss
            }
            letGo.countDown();
            Broker.await("the queue back with its consumer", WAIT, () -> broker.consumerCount(queue) == 1
                    && deployment.consumers() == 1);
            List<String> after = publish("after-", 10);
            awaitAllCommittedAndNothingLeft(after);
        }
    }

    @Test
    void batchesWhoseWorkTheWorkManagerRefusesAreAskedForAgain() throws Exception {
        TestEndpointFactory mdb = mdb(false);
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            harness.workManager().refuseNext(3);
            List<String> texts = publish("refused-", 10);
            awaitAllCommittedAndNothingLeft(texts);
        }
        assertEquals(3, harness.workManager().refused.get());
    }

    @Test
    void anUndeployWithABatchInFlightLetsItFinishAndARedeployConsumesTheRest() throws Exception {
        declareQueue();
        List<String> texts = publish("undeploy-", 30);
        TestEndpointFactory first = mdb(true);
        Harness.Deployment deployment = harness.deploy(spec(), first);
        await(inFirstBatch);
        Thread undeploy = new Thread(deployment::close, "undeploy");
        undeploy.start();
        Broker.await("the consumer cancelled", WAIT, () -> broker.consumerCount(queue) == 0);
        letGo.countDown(); // the batch under way finishes within shutdownTimeoutMillis
        undeploy.join(WAIT.toMillis());
        Set<String> beforeRedeploy = Set.copyOf(committed);
        Broker.await("what was not committed is back in the queue", WAIT,
                () -> broker.messageCount(queue) == texts.size() - beforeRedeploy.size() && Broker.unacknowledged(queue) == 0,
                () -> "committed " + beforeRedeploy.size() + ", ready " + broker.messageCount(queue));
        assertEquals(5, beforeRedeploy.size(), "the batch in flight committed and was acked");
        try (Harness.Deployment again = harness.deploy(spec(), mdb(false))) {
            awaitAllCommittedAndNothingLeft(texts);
        }
    }
}
