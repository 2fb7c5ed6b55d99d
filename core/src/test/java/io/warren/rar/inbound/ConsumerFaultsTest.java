package io.warren.rar.inbound;

import com.rabbitmq.client.Channel;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.BrokerSetting;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.InboundFixture;
import io.warren.rar.harness.TestEndpointFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every consumer comes back, nothing waits in memory for an event that may not come, and undeploy is final. */
@ResourceLock(Broker.LOCK) // changes the broker's consumer timeout and channel tick interval
class ConsumerFaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final InboundFixture fixture = new InboundFixture("consumer-faults");
    private final Broker broker = fixture.broker();
    private final Harness harness = fixture.harness();
    private final String queue = fixture.queue();

    private WarrenActivationSpec spec() {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setReconnectIntervalMillis("100");
        return spec;
    }

    private void publish(String... texts) {
        broker.publishText(queue, texts);
    }


    @ParameterizedTest(name = "{0} queue")
    @ValueSource(strings = {"classic", "quorum"})
    void aConsumerWhoseChannelTheBrokerClosesIsReplacedAndItsMessageComesBack(String queueType) throws Exception {
        CountDownLatch letGo = new CountDownLatch(1);
        List<String> received = new CopyOnWriteArrayList<>();
        AtomicInteger redeliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            String text = message.payload(String.class);
            if (text.startsWith("slow") && !message.redelivered()) {
                try {
                    // held past the broker's consumer timeout: the broker closes this channel meanwhile
                    letGo.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            if (message.redelivered()) {
                redeliveries.incrementAndGet();
            }
            received.add(text);
        });
        WarrenActivationSpec spec = spec();
        spec.setQueueType(queueType);
        spec.setConcurrency("2");
        spec.setPrefetch("1");
        try (BrokerSetting timeout = BrokerSetting.rabbitEnv("consumer_timeout");
             BrokerSetting tick = BrokerSetting.rabbitEnv("channel_tick_interval")) {
            // the broker closes a channel holding a delivery past 1 s, looking every 500 ms
            timeout.set("1000");
            tick.set("500");
            try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
                Broker.await("two consumers", WAIT, () -> consumersOnBroker() == 2);
                publish("slow-1", "slow-2");
                // each consumer holds one past the timeout: both channels are closed, both consumers replaced
                Broker.await("the slow messages back on new consumers", WAIT,
                        () -> received.contains("slow-1") && received.contains("slow-2"), received::toString);
                letGo.countDown();
                assertEquals(2, redeliveries.get());
                publish("after-1", "after-2", "after-3");
                Broker.await("the messages after them", WAIT, () -> received.size() == 5, received::toString);
                Broker.await("everything acked", WAIT, () -> broker.messageCount(queue) == 0
                        && Broker.unacknowledged(queue) == 0);
                Broker.await("two consumers again", WAIT, () -> consumersOnBroker() == 2 && deployment.consumers() == 2);
            }
        } finally {
            letGo.countDown();
        }
    }

    @Test
    void aQueueDeletedUnderTheMdbIsDeclaredAgainAndConsumed() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> received.add(message.payload(String.class)));
        WarrenActivationSpec spec = spec();
        spec.setConcurrency("2");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            Broker.await("two consumers", WAIT, () -> consumersOnBroker() == 2);
            try (Channel channel = broker.channel()) {
                channel.queueDelete(queue);
            }
            Broker.await("the queue back, with both consumers", WAIT, () -> consumersOnBroker() == 2
                    && deployment.consumers() == 2);
            publish("after the delete");
            Broker.await("the message delivered", WAIT, () -> received.contains("after the delete"));
        }
    }

    private int consumersOnBroker() {
        return broker.consumerCount(queue);
    }

    @Test
    void aDeliveryWorkTheWorkManagerRefusesIsAskedForAgain() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> received.add(message.payload(String.class)));
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            harness.workManager().refuseNext(3);
            publish("only one");
            Broker.await("the one message delivered though its Work was refused", WAIT,
                    () -> received.contains("only one"));
            assertEquals(3, harness.workManager().refused.get());
            Broker.await("and acked", WAIT, () -> broker.messageCount(queue) == 0
                    && Broker.unacknowledged(queue) == 0);
        }
    }

    @Test
    void aConsumerWhoseDeliveryHandlerThrowsIsReplacedAndItsMessageComesBack() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> received.add(message.payload(String.class)));
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            harness.workManager().failNext(1);
            publish("thrown at");
            Broker.await("the message delivered by the consumer that replaced the failed one", WAIT,
                    () -> received.contains("thrown at"));
            Broker.await("and acked", WAIT, () -> broker.messageCount(queue) == 0
                    && Broker.unacknowledged(queue) == 0);
            assertEquals(1, deployment.consumers());
        }
    }

    @Test
    void aManualAckInATransactionThatRollsBackIsNotSent() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory[] mdb = new TestEndpointFactory[1];
        mdb[0] = new TestEndpointFactory(true, message -> {
            message.ack();
            if (deliveries.incrementAndGet() == 1) {
                mdb[0].setRollbackOnly(); // the database said no after the MDB acked
            }
        });
        WarrenActivationSpec spec = spec();
        spec.setAckMode("manual");
        try (Harness.Deployment ignored = harness.deploy(spec, mdb[0])) {
            publish("once");
            Broker.await("a second delivery after the rollback", WAIT, () -> deliveries.get() == 2);
            Broker.await("acked when its transaction committed", WAIT, () -> broker.messageCount(queue) == 0
                    && Broker.unacknowledged(queue) == 0);
            assertEquals(1, mdb[0].rollbacks.get());
            assertEquals(1, mdb[0].commits.get());
        }
    }

    /** Accepts TCP connections and never says a word, as a node that hangs does. */
    private static final class SilentNode implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        SilentNode() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(server.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-node");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String address() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void deployGoesOnWhileTheBrokerDoesNotAnswerAndUndeployIsFinal() throws Exception {
        AtomicInteger delivered = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> delivered.incrementAndGet());
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(queue, true, false, false, null);
        }
        publish("waiting");
        try (SilentNode silent = new SilentNode()) {
            WarrenActivationSpec spec = spec();
            spec.setAddresses(silent.address() + ",127.0.0.1:5672");
            spec.setConnectionTimeoutMillis(120_000);
            CompletableFuture<Harness.Deployment> deploying = CompletableFuture.supplyAsync(() -> {
                try {
                    return harness.deploy(spec, mdb);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Broker.await("the deployment done while the first node keeps silent", WAIT, deploying::isDone);
            Harness.Deployment deployment = deploying.get();
            Thread undeploying = new Thread(deployment::close, "undeploy");
            undeploying.start();
            Broker.await("the undeploy waiting for the connect under way", WAIT,
                    () -> undeploying.getState() == Thread.State.TIMED_WAITING);
            // the node hangs up: the connect under way goes on to the next node, which answers
            silent.close();
            undeploying.join(WAIT.toMillis());
            assertFalse(undeploying.isAlive(), "undeploy returned");
        }
        assertEquals(0, mdb.endpointsCreated.get(), "no endpoint after undeploy");
        assertEquals(0, delivered.get());
        assertEquals(0, consumersOnBroker(), "no consumer on the broker after undeploy");
        assertFalse(Broker.rabbitmqctl("list_connections", "name").contains(harness.connectionName() + " (inbound"),
                "no connection left open");
        assertEquals(1, broker.messageCount(queue));
    }

    @Test
    void reconnectFailuresAreWarnedWithUserAndCauseNeverThePasswordAndTheReturnIsLogged() throws Exception {
        String user = "warren-rotated-" + Long.toHexString(System.nanoTime());
        Broker.rabbitmqctl("add_user", user, "the-new-secret");
        Broker.rabbitmqctl("set_permissions", "-p", "/", user, ".*", ".*", ".*");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Logger logger = Logger.getLogger("io.warren.rar.inbound");
        Level level = logger.getLevel();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.setLevel(Level.FINE);
        logger.addHandler(capture);
        try {
            WarrenActivationSpec spec = spec();
            spec.setUser(user);
            spec.setPassword("the-old-secret");
            spec.setReconnectIntervalMillis("50");
            spec.setMaxReconnectIntervalMillis("200");
            AtomicInteger delivered = new AtomicInteger();
            try (Harness.Deployment deployment = harness.deploy(spec,
                    new TestEndpointFactory(false, message -> delivered.incrementAndGet()))) {
                Broker.await("several failed attempts", WAIT, () -> records.stream()
                        .filter(r -> r.getMessage().startsWith("Attempt")).count() >= 4);
                List<LogRecord> warnings = records.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
                assertEquals(1, warnings.size(), "one warning, not one per attempt: " + warnings.size());
                String warning = warnings.get(0).getMessage();
                assertTrue(warning.contains(user) && warning.contains("ACCESS_REFUSED") && warning.contains("vhost '/'"),
                        warning);
                // the operator rotates the password on the broker: the next attempt gets in
                Broker.rabbitmqctl("change_password", user, "the-old-secret");
                Broker.await("consuming again", WAIT, () -> deployment.consumers() == 1);
                Broker.await("an INFO when back", WAIT, () -> records.stream().anyMatch(r -> r.getLevel() == Level.INFO
                        && r.getMessage().contains("consumes again")));
            }
            assertTrue(records.stream().noneMatch(r -> String.valueOf(r.getMessage()).contains("secret")),
                    "no password in the log");
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(level);
            Broker.rabbitmqctl("delete_user", user);
        }
    }
}
