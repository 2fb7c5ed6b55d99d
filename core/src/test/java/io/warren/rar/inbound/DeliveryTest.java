package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.warren.Connection;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.container.TestWorkManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class DeliveryTest {

    record Order(String id, int quantity) {
    }

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("inbound");

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private WarrenActivationSpec spec() {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        return spec;
    }

    private void publish(Object... payloads) {
        Producer producer = harness.factory().producer(Producer.to("").routingKey(queue).confirms(WAIT).build());
        for (Object payload : payloads) {
            if (payload instanceof OutgoingMessage message) {
                producer.publish(message);
            } else {
                producer.publish(payload);
            }
        }
    }

    private GetResponse deadLetter() {
        String parking = broker.cleanUpQueue(queue + ".dead-letters");
        Broker.await("a dead letter in " + parking, WAIT, () -> {
            try {
                return broker.messageCount(parking) == 1;
            } catch (IllegalStateException notDeclaredYet) {
                return false;
            }
        });
        return broker.get(parking);
    }

    @Test
    void deliversOnContainerThreadsAndAcksOnSuccess() throws Exception {
        List<Order> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> received.add(message.payload(Order.class)));
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish(new Order("o-1", 1), new Order("o-2", 2));
            Broker.await("two orders", WAIT, () -> received.size() == 2);
            Broker.await("the acks", WAIT, () -> Broker.unacknowledged(queue) == 0);
            assertEquals(List.of(new Order("o-1", 1), new Order("o-2", 2)), received);
            assertEquals(0, broker.messageCount(queue));
            assertTrue(mdb.deliveryThreads.stream().allMatch(name -> name.startsWith(TestWorkManager.THREAD_PREFIX)),
                    mdb.deliveryThreads.toString());
            assertEquals(1, deployment.consumers());
        }
        assertEquals(mdb.beforeDeliveries.get(), mdb.afterDeliveries.get());
        assertEquals(mdb.endpointsCreated.get(), mdb.endpointsReleased.get());
    }

    @Test
    void consumersRunInParallel() throws Exception {
        int consumers = 4;
        CountDownLatch allInside = new CountDownLatch(consumers);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            allInside.countDown();
            try {
                // each delivery waits for the others: only parallel consumers get past this
                assertTrue(allInside.await(20, TimeUnit.SECONDS), "four deliveries at once");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inside.decrementAndGet();
            }
        });
        WarrenActivationSpec spec = spec();
        spec.setConcurrency(Integer.toString(consumers));
        spec.setPrefetch("1");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish("a", "b", "c", "d", "e", "f", "g", "h");
            Broker.await("all messages acked", WAIT,
                    () -> broker.messageCount(queue) == 0 && Broker.unacknowledged(queue) == 0);
            assertEquals(consumers, mostInside.get());
            assertEquals(consumers, mdb.endpointsCreated.get(), "one endpoint per consumer");
            assertEquals(consumers, deployment.consumers());
        }
    }

    @Test
    void theBrokerHoldsAtMostPrefetchTimesConsumersUnacked() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger delivered = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            delivered.incrementAndGet();
            try {
                gate.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        WarrenActivationSpec spec = spec();
        spec.setConcurrency("2");
        spec.setPrefetch("3");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish(java.util.stream.IntStream.range(0, 50).mapToObj(Integer::toString).toArray());
            Broker.await("both consumers blocked in a delivery", WAIT, () -> delivered.get() == 2);
            Broker.await("the prefetch window filled", WAIT, () -> Broker.unacknowledged(queue) == 6);
            assertEquals(44, broker.messageCount(queue), "the rest stays ready on the broker");
            gate.countDown();
            Broker.await("all consumed", WAIT, () -> delivered.get() == 50);
            Broker.await("all acked", WAIT, () -> Broker.unacknowledged(queue) == 0);
        }
    }

    @Test
    void aFailedDeliveryIsRequeuedAndRedelivered() throws Exception {
        List<Boolean> redeliveredFlags = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            redeliveredFlags.add(message.redelivered());
            if (redeliveredFlags.size() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
        });
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish("retry me");
            Broker.await("the second delivery", WAIT, () -> redeliveredFlags.size() == 2);
            Broker.await("the ack", WAIT, () -> Broker.unacknowledged(queue) == 0 && broker.messageCount(queue) == 0);
        }
        assertEquals(List.of(false, true), redeliveredFlags);
        assertEquals(mdb.beforeDeliveries.get(), mdb.afterDeliveries.get(), "afterDelivery also when the MDB threw");
    }

    @Test
    void aMessageFailingEveryTimeIsDeadLetteredWithTheReasonOnAClassicQueue() throws Exception {
        assertDeadLetteredAfterMaxDeliveries("classic");
    }

    @Test
    void aMessageFailingEveryTimeIsDeadLetteredWithTheReasonOnAQuorumQueue() throws Exception {
        assertDeadLetteredAfterMaxDeliveries("quorum");
    }

    private void assertDeadLetteredAfterMaxDeliveries(String queueType) throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            deliveries.incrementAndGet();
            throw new IllegalArgumentException("order 42 has no lines " + "x".repeat(5_000));
        });
        WarrenActivationSpec spec = spec();
        spec.setQueueType(queueType);
        spec.setMaxDeliveries("3");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish(OutgoingMessage.of("poison").messageId(null).header("tenant", "acme").build());
            GetResponse dead = deadLetter();
            Map<String, Object> headers = dead.getProps().getHeaders();
            assertEquals(3, deliveries.get());
            assertEquals(IllegalArgumentException.class.getName(), headers.get("x-warren-exception").toString());
            String text = headers.get("x-warren-exception-message").toString();
            assertTrue(text.startsWith("order 42 has no lines"), text);
            assertTrue(text.getBytes(StandardCharsets.UTF_8).length <= 1024, "cut to 1 KiB: " + text.length());
            assertEquals(3, headers.get("x-warren-deliveries"));
            assertEquals(queue, headers.get("x-warren-queue").toString());
            assertTrue(headers.get("x-warren-reason").toString().contains("failed 3 times"));
            assertEquals("acme", headers.get("tenant").toString(), "the message's own headers stay");
            assertEquals("\"poison\"", new String(dead.getBody(), StandardCharsets.UTF_8));
            assertEquals(0, broker.messageCount(queue));
        }
    }

    @Test
    void deadLettersGoToTheConfiguredExchange() throws Exception {
        String deadQueue = broker.queueName("dlq");
        String deadExchange = broker.exchangeName("dlx");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(deadQueue).bind(io.warren.Exchange.direct(deadExchange), "failed").build());
        }
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            throw new IllegalStateException("always");
        });
        WarrenActivationSpec spec = spec();
        spec.setMaxDeliveries("2");
        spec.setDeadLetterExchange(deadExchange);
        spec.setDeadLetterRoutingKey("failed");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish("poison");
            Broker.await("the dead letter", WAIT, () -> broker.messageCount(deadQueue) == 1);
            assertEquals(2, broker.get(deadQueue).getProps().getHeaders().get("x-warren-deliveries"));
        }
    }

    @Test
    void anUndecodableBodyIsDeadLetteredOnItsFirstDelivery() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            deliveries.incrementAndGet();
            message.payload(Order.class);
        });
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish(OutgoingMessage.of("{not json".getBytes(StandardCharsets.UTF_8)).contentType("application/json").build());
            GetResponse dead = deadLetter();
            assertEquals(1, deliveries.get());
            assertTrue(dead.getProps().getHeaders().get("x-warren-reason").toString().contains("could not be decoded"));
            assertEquals("io.warren.DecodeException", dead.getProps().getHeaders().get("x-warren-exception").toString());
        }
    }

    @Test
    void aContentTypeNotAcceptedIsDeadLetteredWithoutDelivery() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> deliveries.incrementAndGet());
        WarrenActivationSpec spec = spec();
        spec.setAccept("json");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish(OutgoingMessage.of("plain words").serializer("text").build());
            GetResponse dead = deadLetter();
            assertEquals(0, deliveries.get());
            String reason = dead.getProps().getHeaders().get("x-warren-reason").toString();
            assertTrue(reason.contains("'text/plain' is not accepted") && reason.contains("application/json"), reason);
        }
    }

    @Test
    void javaSerializedBodiesAreDeadLetteredByDefault() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> deliveries.incrementAndGet());
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            broker.publish(queue, new AMQP.BasicProperties.Builder()
                    .contentType("application/x-java-serialized-object").build(), new byte[] {(byte) 0xAC, (byte) 0xED});
            assertTrue(deadLetter().getProps().getHeaders().get("x-warren-reason").toString().contains("not accepted"));
            assertEquals(0, deliveries.get());
        }
    }

    @Test
    void aRolledBackTransactionGetsTheMessageAgain() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory[] holder = new TestEndpointFactory[1];
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            if (deliveries.incrementAndGet() == 1) {
                holder[0].setRollbackOnly();
            }
        });
        holder[0] = mdb;
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish("transactional");
            Broker.await("the second delivery", WAIT, () -> deliveries.get() == 2);
            Broker.await("the ack at commit", WAIT,
                    () -> Broker.unacknowledged(queue) == 0 && broker.messageCount(queue) == 0);
        }
        assertEquals(1, mdb.rollbacks.get());
        assertEquals(1, mdb.commits.get());
    }

    @Test
    void aThrowingTransactedMdbIsRolledBackAndRedelivered() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            if (deliveries.incrementAndGet() < 3) {
                throw new IllegalStateException("not yet");
            }
        });
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish("third time lucky");
            Broker.await("the ack", WAIT, () -> deliveries.get() == 3
                    && Broker.unacknowledged(queue) == 0 && broker.messageCount(queue) == 0);
        }
        assertEquals(2, mdb.rollbacks.get());
        assertEquals(1, mdb.commits.get());
    }

    @Test
    void aDeliveryTheContainerTurnsAwayGoesBackUncountedThoughItsTransactionCommits() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> received.add(message.payload(String.class)));
        mdb.stopping = true;
        WarrenActivationSpec spec = spec();
        spec.setMaxDeliveries("1");
        spec.setReconnectIntervalMillis("50");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish("during a redeploy");
            Broker.await("deliveries turned away more often than maxDeliveries", WAIT, () -> mdb.turnedAway.get() >= 3);
            mdb.stopping = false;
            Broker.await("the delivery once the MDB takes it", WAIT, () -> received.size() == 1);
            Broker.await("its ack", WAIT, () -> Broker.unacknowledged(queue) == 0 && broker.messageCount(queue) == 0);
        }
        assertEquals(List.of("during a redeploy"), received);
        assertTrue(mdb.commits.get() >= 4, "each turned-away delivery committed, as WildFly's do: " + mdb.commits.get());
        assertThrows(IllegalStateException.class, () -> broker.messageCount(queue + ".dead-letters"),
                "nothing dead-lettered: the MDB never failed");
    }

    /** Payara Micro, shutting down, once acked a message whose MDB's transaction had not committed. */
    @ParameterizedTest
    @ValueSource(strings = {"container", "manual"})
    void aTransactionWhoseOutcomeNeverReachesWarrenAcksNothing(String ackMode) throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        AtomicReference<TestEndpointFactory> container = new AtomicReference<>();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            if (deliveries.incrementAndGet() == 3) {
                container.get().losesOutcomes = false; // this delivery's commit reaches Warren
            }
            if (ackMode.equals("manual")) {
                message.ack();
            }
        });
        container.set(mdb);
        mdb.losesOutcomes = true;
        WarrenActivationSpec spec = spec();
        spec.setAckMode(ackMode);
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish("commit unknown");
            Broker.await("acked once an outcome reaches Warren", WAIT, () -> deliveries.get() >= 3
                    && Broker.unacknowledged(queue) == 0 && broker.messageCount(queue) == 0);
        }
        assertEquals(3, deliveries.get(), "delivered again while the outcome was lost, acked by the first commit");
        assertThrows(IllegalStateException.class, () -> broker.messageCount(queue + ".dead-letters"));
    }

    /** Payara Micro, while its JVM shuts down, turned deliveries away like this; counted, one was dead-lettered. */
    @ParameterizedTest
    @ValueSource(strings = {"invocation closed", "set-up failed", "foreign invocation"})
    void aDeliveryPayaraTurnsAwayInItsOwnDispatchGoesBackUncounted(String kind) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> received.add(message.payload(String.class)));
        mdb.turnAwayWith = () -> TestEndpointFactory.payaraDispatchFailure(kind);
        mdb.stopping = true;
        WarrenActivationSpec spec = spec();
        spec.setMaxDeliveries("1");
        spec.setReconnectIntervalMillis("50");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish("while Payara Micro stops");
            Broker.await("deliveries turned away more often than maxDeliveries", WAIT, () -> mdb.turnedAway.get() >= 3);
            mdb.stopping = false;
            Broker.await("the delivery once the MDB takes it", WAIT, () -> received.size() == 1);
            Broker.await("its ack", WAIT, () -> Broker.unacknowledged(queue) == 0 && broker.messageCount(queue) == 0);
        }
        assertEquals(List.of("while Payara Micro stops"), received);
        assertThrows(IllegalStateException.class, () -> broker.messageCount(queue + ".dead-letters"),
                "nothing dead-lettered: the MDB never ran");
    }

    @Test
    void theBeansOwnExceptionOutOfPayarasDispatchStillCounts() throws Exception {
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            RuntimeException wrapped = new RuntimeException("message-driven bean method public void "
                    + "SlowMdb.onMessage(io.warren.Message) system exception", new IllegalStateException("order 4 is broken"));
            wrapped.setStackTrace(TestEndpointFactory.payaraDispatchFailure("invocation closed").getStackTrace());
            throw wrapped;
        });
        WarrenActivationSpec spec = spec();
        spec.setMaxDeliveries("2");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish(OutgoingMessage.of("broken").messageId(null).build());
            Map<String, Object> headers = deadLetter().getProps().getHeaders();
            assertEquals(2, headers.get("x-warren-deliveries"));
        }
        assertEquals(0, mdb.turnedAway.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "quorum"})
    void deliveriesTheContainerTurnsAwayDoNotCountTowardsMaxDeliveries(String queueType) throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            deliveries.incrementAndGet();
            throw new IllegalStateException("order 9 is broken");
        });
        mdb.stopping = true;
        WarrenActivationSpec spec = spec();
        spec.setQueueType(queueType);
        spec.setMaxDeliveries("2");
        spec.setReconnectIntervalMillis("50");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish(OutgoingMessage.of("broken").messageId(null).build());
            Broker.await("deliveries turned away more often than maxDeliveries", WAIT, () -> mdb.turnedAway.get() >= 3);
            mdb.stopping = false;
            Map<String, Object> headers = deadLetter().getProps().getHeaders();
            assertEquals(2, deliveries.get(), "the MDB ran maxDeliveries times, whatever the queue counted");
            assertEquals(2, headers.get("x-warren-deliveries"));
            assertTrue(headers.get("x-warren-reason").toString().contains("failed 2 times"));
        }
    }

    @Test
    void anExceptionThatKeepsTheTransactionIsNeverAcked() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory mdb = new TestEndpointFactory(true, message -> {
            deliveries.incrementAndGet();
            throw new TestEndpointFactory.KeepsTransaction("order 7 is on hold");
        });
        WarrenActivationSpec spec = spec();
        spec.setMaxDeliveries("2");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish("on hold");
            Map<String, Object> headers = deadLetter().getProps().getHeaders();
            assertEquals(2, deliveries.get());
            assertEquals(TestEndpointFactory.KeepsTransaction.class.getName(), headers.get("x-warren-exception").toString());
            assertTrue(headers.get("x-warren-reason").toString().contains("failed 2 times"));
            assertEquals(0, broker.messageCount(queue));
        }
        assertEquals(2, mdb.commits.get(), "the container committed both deliveries");
        assertEquals(0, mdb.rollbacks.get());
    }

    @Test
    void oneMdbConsumesTwoQueues() throws Exception {
        String second = broker.queueName("second");
        Map<String, String> fromQueue = new ConcurrentHashMap<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false,
                message -> fromQueue.put(message.payload(String.class), message.queue()));
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueues(queue + ", " + second);
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish("to first");
            harness.factory().producer(Producer.to("").routingKey(second).confirms(WAIT).build()).publish("to second");
            Broker.await("both messages", WAIT, () -> fromQueue.size() == 2);
        }
        assertEquals(Map.of("to first", queue, "to second", second), fromQueue);
    }

    @Test
    void manualAckModeLetsTheMdbSettle() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            String body = message.payload(String.class);
            seen.add(body);
            if (body.equals("keep")) {
                message.ack();
            } else {
                message.reject();
            }
        });
        String deadLetters = broker.queueName("manual-dead");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.named(deadLetters));
            connection.declare(Queue.builder(queue).deadLetterExchange("").deadLetterRoutingKey(deadLetters).build());
        }
        WarrenActivationSpec spec = spec();
        spec.setAckMode("manual");
        spec.setDeclare("false");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            publish("keep", "drop");
            Broker.await("the rejected one dead-lettered by the broker", WAIT, () -> broker.messageCount(deadLetters) == 1);
            Broker.await("nothing left", WAIT, () -> Broker.unacknowledged(queue) == 0 && broker.messageCount(queue) == 0);
        }
        assertEquals(List.of("keep", "drop"), seen);
        Map<String, Object> headers = broker.get(deadLetters).getProps().getHeaders();
        assertTrue(headers.containsKey("x-death"), "dead-lettered by the broker: " + headers);
        assertNull(headers.get("x-warren-reason"), "reject() in manual mode leaves dead-lettering to the queue");
    }

    @Test
    void containerAckModeRefusesSettlementByTheMdb() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> {
            try {
                message.ack();
            } catch (IllegalStateException e) {
                errors.add(e.getMessage());
            }
        });
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish("x");
            Broker.await("the delivery", WAIT, () -> errors.size() == 1);
            Broker.await("the container's ack", WAIT, () -> Broker.unacknowledged(queue) == 0 && broker.messageCount(queue) == 0);
        }
        assertTrue(errors.get(0).contains("ackMode=manual"), errors.get(0));
    }

    @Test
    void bindsTheQueueToTheExchangeWithEachRoutingKey() throws Exception {
        String exchange = broker.exchangeName("stocks");
        List<String> keys = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, message -> keys.add(message.routingKey()));
        WarrenActivationSpec spec = spec();
        spec.setExchange(exchange);
        spec.setExchangeType("topic");
        spec.setRoutingKeys("*.stock.#, bonds.*");
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            Producer producer = harness.factory().producer(Producer.to(exchange).confirms(WAIT).build());
            for (String key : List.of("usd.stock", "eur.stock.db", "stock.nasdaq", "bonds.us", "bonds.us.10y")) {
                producer.publish(key, key);
            }
            Broker.await("three routed", WAIT, () -> keys.size() == 3);
        }
        assertEquals(List.of("usd.stock", "eur.stock.db", "bonds.us"), keys);
    }

    @Test
    void withoutRoutingKeysEachQueueIsBoundWithItsOwnName() throws Exception {
        String exchange = broker.exchangeName("media");
        String video = broker.queueName("video");
        String image = broker.queueName("image");
        Map<String, String> fromQueue = new ConcurrentHashMap<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false,
                message -> fromQueue.put(message.payload(String.class), message.queue()));
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueues(video + "," + image);
        spec.setExchange(exchange);
        try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
            Producer producer = harness.factory().producer(Producer.to(exchange).mandatory(true).build());
            producer.publish("a video", video);
            producer.publish("an image", image);
            Broker.await("both messages", WAIT, () -> fromQueue.size() == 2);
        }
        assertEquals(Map.of("a video", video, "an image", image), fromQueue);
    }

    @Test
    void messagesArriveAsTheyWerePublished() throws Exception {
        List<Message> received = new CopyOnWriteArrayList<>();
        TestEndpointFactory mdb = new TestEndpointFactory(false, received::add);
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            publish(OutgoingMessage.of("hi").header("h", "v").correlationId("c").priority(3).build());
            Broker.await("the message", WAIT, () -> received.size() == 1);
        }
        Message message = received.get(0);
        assertEquals("hi", message.payload(String.class));
        assertEquals("v", message.header("h"));
        assertEquals("c", message.correlationId());
        assertEquals(3, message.priority());
        assertEquals(queue, message.queue());
        assertEquals(Message.Outcome.ACKED, message.outcome());
    }
}
