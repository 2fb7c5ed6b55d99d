package io.warren.rar.inbound;

import io.warren.Message;
import io.warren.Producer;
import io.warren.container.TestTransactions;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Warren's XAResource (no transaction synchronization registry) driven by the container stand-ins:
 * an outcome settles the delivery of the branch it names, not whichever delivery runs now.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class XaBranchTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Broker broker = new Broker();
    private final String queue = broker.queueName("xa-branch");
    private final Harness harness = Harness.withoutTransactionRegistry(2);

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    /**
     * The container loses the first delivery's transaction (Warren gives the message back, its
     * outcome never reported); the reaper rolls that transaction back late, while the message's
     * second delivery runs in a transaction of its own. That rollback names the first branch: the
     * second delivery stays pending and is acked when its own transaction commits.
     */
    @Test
    void aLateRollbackOfAnEarlierTransactionDoesNotSettleTheDeliveryUnderWay() throws Exception {
        AtomicReference<TestTransactions.TestTransaction> lost = new AtomicReference<>();
        List<Message.Outcome> afterLateRollback = new CopyOnWriteArrayList<>();
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory[] holder = new TestEndpointFactory[1];
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            TestEndpointFactory container = holder[0];
            int delivery = deliveries.incrementAndGet();
            if (delivery == 1) {
                lost.set(container.transactions().current());
                container.losesOutcomes = true;
            } else if (delivery == 2) {
                container.losesOutcomes = false;
                lost.get().rollBack();
                afterLateRollback.add(message.outcome());
            }
        });
        holder[0] = mdb;
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build()).publish("once");
            Broker.await("the second delivery, committed", WAIT, () -> deliveries.get() >= 2 && mdb.commits.get() == 1);
            Broker.await("nothing left", WAIT,
                    () -> broker.messageCount(queue) == 0 && Broker.unacknowledged(queue) == 0);
        }
        assertEquals(List.of(Message.Outcome.PENDING), afterLateRollback,
                "the late rollback of the first transaction left the second delivery alone");
        assertEquals(2, deliveries.get(), "acked by the second delivery's commit, not delivered a third time");
    }
}
