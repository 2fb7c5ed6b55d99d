package io.warren.rar.inbound;

import io.warren.Message;
import io.warren.Producer;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.container.TestTransactions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transacted MDB's delivery settled by its transaction: through an interposed Synchronization where
 * the container offers a TransactionSynchronizationRegistry (as every server does), through Warren's
 * XAResource where it does not. "registry" runs a test with the registry, "xa" without.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class TransactedDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Broker broker = new Broker();
    private final String queue = broker.queueName("tx-delivery");
    private Harness harness;

    @AfterEach
    void cleanUp() {
        if (harness != null) {
            harness.close();
        }
        broker.close();
    }

    private Harness harness(String kind) {
        harness = kind.equals("xa") ? Harness.withoutTransactionRegistry(2) : new Harness(2);
        return harness;
    }

    private WarrenActivationSpec spec() {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        return spec;
    }

    private void publish(String... bodies) {
        Producer producer = harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build());
        for (String body : bodies) {
            producer.publish(body);
        }
    }

    private void awaitNothingLeft() {
        Broker.await("every message acked", WAIT,
                () -> Broker.unacknowledged(queue) == 0 && broker.messageCount(queue) == 0);
    }

    @Test
    void withARegistryTheEndpointTakesNoXaResourceAndTheCommitAcks() throws Exception {
        harness("registry");
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> received.add(message.payload(String.class)));
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish("a", "b");
            Broker.await("both deliveries", WAIT, () -> received.size() == 2);
            awaitNothingLeft();
        }
        assertEquals(0, mdb.endpointsWithXaResource.get(), "the container is given no XAResource to enlist");
        assertEquals(2, mdb.commits.get());
        assertEquals(0, harness.transactions().onePhaseCommits.get() + harness.transactions().twoPhaseCommits.get(),
                "no resource in the transactions: nothing to commit but the synchronization's ack");
    }

    @Test
    void withoutARegistryTheContainerEnlistsWarrensXaResource() throws Exception {
        harness("xa");
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> received.add(message.payload(String.class)));
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish("a");
            Broker.await("the delivery", WAIT, () -> received.size() == 1);
            awaitNothingLeft();
        }
        assertEquals(1, mdb.endpointsWithXaResource.get());
        assertEquals(1, harness.transactions().onePhaseCommits.get(), "Warren's resource alone: one phase");
    }

    /**
     * A database in the MDB's transaction: with the Synchronization it is the only resource, commits in
     * one phase, and the message is acked only after it committed. With the XAResource it is a
     * two-phase commit whose first branch, Warren's, acks before the database commits.
     */
    @Test
    void aDatabaseAloneInTheTransactionCommitsInOnePhaseBeforeTheAck() throws Exception {
        harness("registry");
        Database database = new Database();
        TestEndpointFactory[] holder = new TestEndpointFactory[1];
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> database.insert(holder[0], message));
        holder[0] = mdb;
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish("row");
            awaitNothingLeft();
        }
        assertEquals(List.of(Message.Outcome.PENDING), database.outcomesAtCommit,
                "the message was not yet settled when the database committed");
        assertEquals(0, harness.transactions().twoPhaseCommits.get(), "no two-phase commit");
        assertEquals(1, harness.transactions().onePhaseCommits.get());
    }

    /** The other design's behaviour, kept as the fallback: stated so that docs/transactions.md stays true. */
    @Test
    void withTheXaResourceADatabaseMakesATwoPhaseCommitAndWarrensBranchAcksFirst() throws Exception {
        harness("xa");
        Database database = new Database();
        TestEndpointFactory[] holder = new TestEndpointFactory[1];
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> database.insert(holder[0], message));
        holder[0] = mdb;
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish("row");
            awaitNothingLeft();
        }
        assertEquals(1, harness.transactions().twoPhaseCommits.get());
        assertEquals(List.of(Message.Outcome.ACKED), database.outcomesAtCommit,
                "Warren's branch, enlisted first, committed (acked) first");
    }

    @Test
    void aDatabaseThatCannotCommitRollsTheDeliveryBackAndTheMessageComesAgain() throws Exception {
        harness("registry");
        Database database = new Database();
        database.failCommits.set(1);
        TestEndpointFactory[] holder = new TestEndpointFactory[1];
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            deliveries.incrementAndGet();
            database.insert(holder[0], message);
        });
        holder[0] = mdb;
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish("row");
            Broker.await("the second delivery", WAIT, () -> deliveries.get() == 2);
            awaitNothingLeft();
        }
        assertEquals(List.of("row"), database.committedRows);
        assertEquals(1, mdb.rollbacks.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"registry", "xa"})
    void aRollbackRequeuesAndTheRedeliveryCommits(String kind) throws Exception {
        harness(kind);
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            if (deliveries.incrementAndGet() == 1) {
                throw new IllegalStateException("first time fails");
            }
        });
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish("again");
            Broker.await("the redelivery", WAIT, () -> deliveries.get() == 2);
            awaitNothingLeft();
        }
        assertEquals(1, mdb.rollbacks.get());
        assertEquals(1, mdb.commits.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"registry", "xa"})
    void aRollbackOnTheLastAllowedDeliveryDeadLetters(String kind) throws Exception {
        harness(kind);
        TestEndpointFactory[] holder = new TestEndpointFactory[1];
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> holder[0].setRollbackOnly());
        holder[0] = mdb;
        String deadLetters = broker.cleanUpQueue(queue + ".dead-letters");
        WarrenActivationSpec spec = spec();
        spec.setMaxDeliveries("1");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish("doomed");
            Broker.await("the dead letter", WAIT, () -> {
                try {
                    return broker.messageCount(deadLetters) == 1;
                } catch (IllegalStateException notDeclaredYet) {
                    return false;
                }
            });
            awaitNothingLeft();
        }
        assertEquals(0, mdb.commits.get());
        assertEquals(1, mdb.rollbacks.get());
    }

    /**
     * The transaction times out and the reaper rolls it back on its own thread while onMessage still
     * runs: the message is given back then, not when onMessage returns, and the delivery's end does
     * not settle it a second time (that would close the channel on an unknown delivery tag).
     */
    @ParameterizedTest
    @ValueSource(strings = {"registry", "xa"})
    void aRollbackByTheReaperGivesTheMessageBackWhileTheMdbStillRuns(String kind) throws Exception {
        harness(kind);
        CompletableFuture<TestTransactions.TestTransaction> timingOut = new CompletableFuture<>();
        List<Message.Outcome> seenAfterReaper = new CopyOnWriteArrayList<>();
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory[] holder = new TestEndpointFactory[1];
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            if (deliveries.incrementAndGet() > 1) {
                return;
            }
            timingOut.complete(holder[0].transactions().current());
            // still running while the reaper rolls back: the message goes back now
            Broker.await("the message given back by the reaper's rollback", WAIT,
                    () -> message.outcome() != Message.Outcome.PENDING);
            seenAfterReaper.add(message.outcome());
        });
        holder[0] = mdb;
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish("slow");
            TestTransactions.TestTransaction transaction = timingOut.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(transaction.rollBack(), "the reaper rolled back an active transaction");
            Broker.await("the redelivery, committed", WAIT, () -> deliveries.get() == 2 && mdb.commits.get() == 1);
            awaitNothingLeft();
            assertEquals(1, deployment.consumers(), "the consumer and its channel lived on");
        }
        assertEquals(List.of(Message.Outcome.REQUEUED), seenAfterReaper);
        assertEquals(2, deliveries.get());
        assertEquals(1, mdb.rollbacks.get(), "the first delivery's transaction did not commit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"registry", "xa"})
    void inManualAckModeTheMdbsAckIsUndoneByARollback(String kind) throws Exception {
        harness(kind);
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            message.ack();
            if (deliveries.incrementAndGet() == 1) {
                throw new IllegalStateException("after its ack, the MDB fails: the transaction rolls back");
            }
        });
        WarrenActivationSpec spec = spec();
        spec.setAckMode("manual");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish("acked twice");
            Broker.await("the redelivery", WAIT, () -> deliveries.get() == 2);
            awaitNothingLeft();
        }
        assertEquals(1, mdb.rollbacks.get());
        assertEquals(1, mdb.commits.get());
    }

    @Test
    void aTransactedDeliveryInWhichTheContainerBeganNoTransactionIsSettledAfterDelivery() throws Exception {
        harness("registry");
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            if (deliveries.incrementAndGet() == 1) {
                throw new IllegalStateException("first time fails");
            }
        });
        mdb.beginsNoTransaction = true;
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish("no transaction");
            Broker.await("the redelivery", WAIT, () -> deliveries.get() == 2);
            awaitNothingLeft();
        }
        assertEquals(0, mdb.commits.get() + mdb.rollbacks.get());
    }

    @Test
    void aDeliveryWhoseTransactionCannotBeFollowedIsNeverAcked() throws Exception {
        harness("registry");
        harness.transactions().refusesRegistration = true;
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> deliveries.incrementAndGet());
        String deadLetters = broker.cleanUpQueue(queue + ".dead-letters");
        WarrenActivationSpec spec = spec();
        spec.setMaxDeliveries("2");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish("unfollowed");
            Broker.await("the dead letter", WAIT, () -> {
                try {
                    return broker.messageCount(deadLetters) == 1;
                } catch (IllegalStateException notDeclaredYet) {
                    return false;
                }
            });
            awaitNothingLeft();
            assertTrue(broker.get(deadLetters).getProps().getHeaders().get("x-warren-exception-message").toString()
                    .contains("could not follow the MDB's transaction"));
        }
        assertEquals(2, deliveries.get(), "given back after each delivery, although each committed");
        assertEquals(2, mdb.commits.get());
    }

    /** A database's XA branch, as small as the tests need: rows are kept when the branch commits. */
    private static final class Database {
        final List<String> committedRows = new CopyOnWriteArrayList<>();
        final List<Message.Outcome> outcomesAtCommit = new CopyOnWriteArrayList<>();
        final AtomicInteger failCommits = new AtomicInteger();

        void insert(TestEndpointFactory mdb, Message message) {
            mdb.transactions().current().enlist(new Branch(message));
        }

        private final class Branch implements XAResource {
            private final Message message;

            Branch(Message message) {
                this.message = message;
            }

            @Override
            public void commit(Xid xid, boolean onePhase) throws XAException {
                if (failCommits.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                    throw new XAException(XAException.XA_RBROLLBACK);
                }
                outcomesAtCommit.add(message.outcome());
                committedRows.add(message.payload(String.class));
            }

            @Override
            public int prepare(Xid xid) throws XAException {
                if (failCommits.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                    throw new XAException(XAException.XA_RBROLLBACK);
                }
                return XA_OK;
            }

            @Override
            public void start(Xid xid, int flags) {
            }

            @Override
            public void end(Xid xid, int flags) {
            }

            @Override
            public void rollback(Xid xid) {
            }

            @Override
            public void forget(Xid xid) {
            }

            @Override
            public Xid[] recover(int flag) {
                return new Xid[0];
            }

            @Override
            public boolean isSameRM(XAResource other) {
                return other == this;
            }

            @Override
            public int getTransactionTimeout() {
                return 0;
            }

            @Override
            public boolean setTransactionTimeout(int seconds) {
                return false;
            }
        }
    }
}
