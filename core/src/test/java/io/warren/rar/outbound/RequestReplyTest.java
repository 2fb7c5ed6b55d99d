package io.warren.rar.outbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.Exchange;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.ReplyingListener;
import io.warren.RequestTimeoutException;
import io.warren.UnroutableException;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.LogCapture;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests from the outbound side answered by MDBs on the inbound side, over RabbitMQ's direct
 * reply-to, on the real broker. Closes only its own harness's connections.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class RequestReplyTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("rpc");

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    /** Answers "<payload> answered", or whatever the test makes it do. */
    private Harness.Deployment answering(boolean transacted, ReplyingListener bean) throws Exception {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setConcurrency("4");
        Harness.Deployment deployment = harness.deploy(spec, TestEndpointFactory.replying(transacted, bean));
        Broker.await("the MDB's consumers on " + queue, WAIT, () -> broker.consumerCount(queue) == 4);
        return deployment;
    }

    private static OutgoingMessage answer(Message request) {
        return OutgoingMessage.of(request.payload(String.class) + " answered").serializer("text").build();
    }

    private Producer asker() {
        return harness.factory().producer(Producer.to("").routingKey(queue).serializer("text").build());
    }

    private void declareQueue() {
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(queue, true, false, false, null); // as the MDB declares it
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A harness of its own whose factory takes its replies from a named queue, and tries again soon after a loss. */
    private static Harness withReplyQueue(String replies) {
        return new Harness(2, factory -> {
            factory.setReplyQueue(replies);
            factory.setConnectRetryMillis(200);
        });
    }

    private CompletableFuture<Message> askFrom(Harness other, String text) {
        return other.factory().producer(Producer.to("").routingKey(queue).serializer("text").build())
                .requestAsync(OutgoingMessage.of(text).build(), Duration.ofSeconds(60)).toCompletableFuture();
    }

    @Test
    void aRequestTakesNoPooledChannelWhereTheRegistryTellsThereIsNoTransaction() throws Exception {
        // both pooled channels are taken: a request that borrowed one for its transaction check found none
        try (Harness.Deployment ignored = answering(false, RequestReplyTest::answer);
             io.warren.Connection first = harness.factory().getConnection();
             io.warren.Connection second = harness.factory().getConnection()) {
            Message reply = asker().request(OutgoingMessage.of("tea").build(), WAIT);

            assertEquals("tea answered", reply.payload(String.class));
        }
    }

    /** Sends two interim replies ("working 1", "working 2") to the request's reply address, then answers. */
    private OutgoingMessage answerAfterInterimReplies(Message request) {
        try (Channel channel = broker.channel()) {
            for (int i = 1; i <= 2; i++) {
                channel.basicPublish("", request.replyTo(), new AMQP.BasicProperties.Builder()
                        .correlationId(request.correlationId()).contentType("text/plain").build(),
                        ("working " + i).getBytes(StandardCharsets.UTF_8));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return answer(request);
    }

    @Test
    void aRequestWaitsPastTheRepliesItsTestCallsInterimForTheLastOne() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Harness.Deployment ignored = answering(false, this::answerAfterInterimReplies)) {
            Message reply = asker().request(OutgoingMessage.of("tea").build(), WAIT, candidate -> {
                seen.add(candidate.payload(String.class));
                return !candidate.payload(String.class).startsWith("working");
            });
            assertEquals("tea answered", reply.payload(String.class));
            assertEquals(List.of("working 1", "working 2", "tea answered"), seen);

            Message async = asker().requestAsync(OutgoingMessage.of("milk").build(), WAIT,
                    candidate -> !candidate.payload(String.class).startsWith("working"))
                    .toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("milk answered", async.payload(String.class));

            // without a test, the first reply is the reply
            assertEquals("working 1", asker().request(OutgoingMessage.of("bread").build(), WAIT).payload(String.class));
        }
    }

    @Test
    void aTestOfTheLastReplyThatThrowsFailsTheRequestWithWhatItThrew() throws Exception {
        try (Harness.Deployment ignored = answering(false, RequestReplyTest::answer)) {
            ExecutionException failed = assertThrows(ExecutionException.class, () -> asker().requestAsync(
                    OutgoingMessage.of("tea").build(), WAIT, candidate -> {
                        throw new IllegalStateException("cannot tell");
                    }).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS));
            WarrenException cause = assertInstanceOf(WarrenException.class, failed.getCause());
            assertTrue(cause.getMessage().contains("cannot tell"), cause.getMessage());
            assertInstanceOf(IllegalStateException.class, cause.getCause());
        }
    }

    @Test
    void anMdbAnswersARequestWithItsCorrelationIdAndTheRequestIsAcked() throws Exception {
        List<Message> requests = new CopyOnWriteArrayList<>();
        try (Harness.Deployment ignored = answering(true, request -> {
            requests.add(request);
            return answer(request);
        })) {
            Message reply = asker().request(OutgoingMessage.of("tea").build(), WAIT);

            assertEquals("tea answered", reply.payload(String.class));
            assertEquals(1, requests.size());
            Message request = requests.get(0);
            assertTrue(request.replyTo().startsWith("amq.rabbitmq.reply-to."), request.replyTo());
            assertNotNull(request.correlationId(), "a correlation id is generated");
            assertEquals(request.correlationId(), reply.correlationId());
            Broker.await("the request's ack", WAIT, () -> Broker.unacknowledged(queue) == 0);
            assertEquals(0, broker.messageCount(queue));

            Message own = asker().request(OutgoingMessage.of("milk").correlationId("order-7").build(), WAIT);
            assertEquals("order-7", own.correlationId(), "the caller's correlation id is kept");
            assertEquals("milk answered", own.payload(String.class));
        }
    }

    @Test
    void anAsynchronousRequestCompletesOnTheAdapterThreadsAndAnErrorReplyCarriesItsHeader() throws Exception {
        try (Harness.Deployment ignored = answering(false, request -> "fail".equals(request.payload(String.class))
                ? OutgoingMessage.of(Map.of("error", "no such product")).header("x-error", "unknown-product").build()
                : answer(request))) {
            AtomicReference<String> thread = new AtomicReference<>();
            CompletableFuture<Message> reply = asker().requestAsync(OutgoingMessage.of("bread").build(), WAIT)
                    .whenComplete((message, error) -> thread.set(Thread.currentThread().getName()))
                    .toCompletableFuture();

            assertEquals("bread answered", reply.get(WAIT.toSeconds(), TimeUnit.SECONDS).payload(String.class));
            assertTrue(thread.get().startsWith("warren-completions " + harness.connectionName()), thread.get());

            Message error = asker().request(OutgoingMessage.of("fail").build(), WAIT);
            assertEquals("unknown-product", error.header("x-error"));
            assertEquals(Map.of("error", "no such product"), error.payload(Map.class));
        }
    }

    @Test
    void aThousandRequestsWaitAtOnceWithoutHoldingPooledChannels() throws Exception {
        try (Harness.Deployment ignored = answering(false, RequestReplyTest::answer)) {
            Producer asker = asker();
            List<CompletableFuture<Message>> replies = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                replies.add(asker.requestAsync(OutgoingMessage.of("n" + i).build(), Duration.ofSeconds(60))
                        .toCompletableFuture());
            }
            CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < 1000; i++) {
                assertEquals("n" + i + " answered", replies.get(i).get().payload(String.class));
            }
            // a pool of two: a request that held its pooled channel while waiting would have blocked the third
            assertTrue(harness.pool().size() <= 2, "pooled channels: " + harness.pool().size());
        }
    }

    @Test
    void aRequestNobodyAnswersTimesOutNamingExchangeRoutingKeyAndTimeout() {
        declareQueue();
        long started = System.nanoTime();
        RequestTimeoutException timedOut = assertThrows(RequestTimeoutException.class,
                () -> asker().request(OutgoingMessage.of("anyone?").build(), Duration.ofMillis(300)));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertTrue(took >= 300 && took < 5_000, "took " + took + " ms");
        assertTrue(timedOut.getMessage().contains("exchange ''"), timedOut.getMessage());
        assertTrue(timedOut.getMessage().contains("routing key '" + queue + "'"), timedOut.getMessage());
        assertTrue(timedOut.getMessage().contains("PT0.3S"), timedOut.getMessage());
        assertEquals(queue, timedOut.routingKey());
        assertEquals(Duration.ofMillis(300), timedOut.timeout());
        assertNotNull(timedOut.correlationId());
        assertTrue(Arrays.stream(timedOut.getStackTrace())
                        .anyMatch(frame -> frame.getClassName().startsWith(RequestReplyTest.class.getName())),
                "thrown anew on the caller's thread, with the caller's stack");
    }

    @Test
    void repliesAfterTheTimeoutAreDroppedAndWarnedAboutOnce() throws Exception {
        declareQueue();
        try (LogCapture log = new LogCapture(PendingRequests.class.getName())) {
            assertThrows(RequestTimeoutException.class,
                    () -> asker().request(OutgoingMessage.of("late").build(), Duration.ofMillis(200)));
            GetResponse request = broker.get(queue);
            assertNotNull(request, "the request waits in its queue");
            AMQP.BasicProperties reply = new AMQP.BasicProperties.Builder()
                    .correlationId(request.getProps().getCorrelationId()).build();
            try (Channel channel = broker.channel()) {
                channel.basicPublish("", request.getProps().getReplyTo(), reply, "too late".getBytes(StandardCharsets.UTF_8));
                channel.basicPublish("", request.getProps().getReplyTo(), reply, "too late".getBytes(StandardCharsets.UTF_8));
            }
            // other classes' requests run beside this one and log to the same logger: only this request's count
            String id = request.getProps().getCorrelationId();
            Supplier<List<LogRecord>> mine = () -> log.records().stream().filter(record -> record.getMessage().contains(id)
                    || (record.getParameters() != null && Arrays.asList(record.getParameters()).contains(id))).toList();
            Broker.await("both late replies seen", WAIT, () -> mine.get().size() == 2, () -> mine.get().toString());
            List<LogRecord> records = mine.get();

            assertEquals(Level.WARNING, records.get(0).getLevel());
            assertTrue(records.get(0).getMessage().contains(request.getProps().getCorrelationId()),
                    records.get(0).getMessage());
            assertEquals(Level.FINE, records.get(1).getLevel(), "the second is not warned about again");
        }
    }

    @Test
    void aMandatoryRequestNoQueueReceivesFailsAtOnce() {
        Producer mandatory = harness.factory().producer(Producer.to("").routingKey(queue + ".nobody")
                .serializer("text").mandatory(true).build());
        long started = System.nanoTime();
        ExecutionException failed = assertThrows(ExecutionException.class, () -> mandatory
                .requestAsync(OutgoingMessage.of("lost").build(), Duration.ofSeconds(30)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        UnroutableException returned = assertInstanceOf(UnroutableException.class, failed.getCause());
        assertEquals(312, returned.replyCode());
        assertEquals(queue + ".nobody", returned.routingKey());
        assertTrue(took < 5_000, "failed after " + took + " ms, not after its 30 s timeout");
        UnroutableException thrown = assertThrows(UnroutableException.class,
                () -> mandatory.request(OutgoingMessage.of("lost").build(), Duration.ofSeconds(30)));
        assertEquals(queue + ".nobody", thrown.routingKey());
    }

    @Test
    void aRequestToAMissingExchangeFailsAloneNamingItAndOthersStillGetReplies() throws Exception {
        try (Harness.Deployment ignored = answering(false, RequestReplyTest::answer)) {
            CompletableFuture<Message> waiting = asker().requestAsync(OutgoingMessage.of("first").build(), WAIT)
                    .toCompletableFuture();
            String missing = queue + ".no-exchange";
            WarrenException refused = assertThrows(WarrenException.class, () -> harness.factory()
                    .producer(Producer.to(missing).build()).request(OutgoingMessage.of("x").build(), WAIT));
            assertTrue(refused.getMessage().contains("exchange '" + missing + "'"), refused.getMessage());
            assertEquals("first answered", waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS).payload(String.class));
        }
    }

    @Test
    void theBrokerConnectionLostFailsEveryWaitingRequestAtOnceAndTheNextRequestIsAnswered() throws Exception {
        declareQueue();
        List<CompletableFuture<Message>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            waiting.add(asker().requestAsync(OutgoingMessage.of("w" + i).build(), Duration.ofSeconds(120))
                    .toCompletableFuture());
        }
        Broker.await("the 20 requests in their queue", WAIT, () -> broker.messageCount(queue) == 20);

        assertEquals(1, Broker.closeConnectionsNamed(harness.connectionName() + " (outbound)", "rpc test"));

        for (CompletableFuture<Message> request : waiting) {
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> request.get(WAIT.toSeconds(), TimeUnit.SECONDS), "fails at once, long before its 120 s");
            String message = failed.getCause().getMessage();
            assertInstanceOf(WarrenException.class, failed.getCause());
            assertTrue(message.contains("No reply can come any more") && message.contains("routing key '" + queue + "'")
                    && message.contains("broker connection") && message.contains("rpc test"), message);
        }
        // the requests themselves wait in their queue; an MDB answers them and the next request, on a new consumer
        try (Harness.Deployment ignored = answering(false, RequestReplyTest::answer)) {
            assertEquals("after answered", asker().request(OutgoingMessage.of("after").build(), WAIT)
                    .payload(String.class));
        }
    }

    @Test
    void withANamedReplyQueueAWaitingRequestOutlivesTheConnectionsLossAndGetsItsReply() throws Exception {
        String replies = broker.queueName("rpc-replies");
        declareQueue();
        try (Harness named = withReplyQueue(replies)) {
            CompletableFuture<Message> waiting = askFrom(named, "survivor");
            Broker.await("the request in its queue", WAIT, () -> broker.messageCount(queue) == 1);

            assertEquals(1, Broker.closeConnectionsNamed(named.connectionName() + " (outbound)", "rpc test"));
            // answered only once the connection is gone: the reply waits in the queue for the consumer to come back
            List<String> replyTo = new CopyOnWriteArrayList<>();
            try (Harness.Deployment ignored = answering(false, request -> {
                replyTo.add(request.replyTo());
                return answer(request);
            })) {
                assertEquals("survivor answered", waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS).payload(String.class));
                assertEquals(List.of(replies), replyTo);
            }
        }
    }

    @Test
    void aNamedReplyQueueDeletedUnderItsConsumerIsDeclaredAgainAndTheWaitingRequestAnswered() throws Exception {
        String replies = broker.queueName("rpc-replies");
        declareQueue();
        try (Harness named = withReplyQueue(replies)) {
            CompletableFuture<Message> waiting = askFrom(named, "orphan");
            Broker.await("the reply consumer", WAIT, () -> broker.consumerCount(replies) == 1);

            Broker.rabbitmqctl("delete_queue", replies);
            Broker.await("the reply queue declared again, with its consumer", WAIT,
                    () -> broker.consumerCount(replies) == 1);
            try (Harness.Deployment ignored = answering(false, RequestReplyTest::answer)) {
                assertEquals("orphan answered", waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS).payload(String.class));
            }
        }
    }

    @Test
    void inManualAckModeTheAnswerGoesOutOnlyForARequestTheMdbAcked() throws Exception {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setAckMode("manual");
        try (Harness.Deployment ignored = harness.deploy(spec, TestEndpointFactory.replying(false, request -> {
            String text = request.payload(String.class);
            if (text.equals("reject me")) {
                request.reject();
            } else {
                request.ack();
            }
            return answer(request);
        }))) {
            Broker.await("the MDB's consumer", WAIT, () -> broker.consumerCount(queue) == 1);

            assertEquals("ack me answered", asker().request(OutgoingMessage.of("ack me").build(), WAIT)
                    .payload(String.class));
            assertThrows(RequestTimeoutException.class,
                    () -> asker().request(OutgoingMessage.of("reject me").build(), Duration.ofMillis(500)));
        }
    }

    @Test
    void noReplyIsSentWhenTheMdbTransactionRollsBackOrTheMdbThrows() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        TestEndpointFactory[] mdb = new TestEndpointFactory[1];
        mdb[0] = TestEndpointFactory.replying(true, request -> {
            int delivery = deliveries.incrementAndGet();
            if (delivery == 1) {
                mdb[0].setRollbackOnly();
                return OutgoingMessage.of("rolled back").serializer("text").build();
            }
            if (delivery == 2) {
                throw new IllegalStateException("second delivery fails");
            }
            return OutgoingMessage.of("answer " + delivery).serializer("text").build();
        });
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        try (Harness.Deployment ignored = harness.deploy(spec, mdb[0])) {
            Broker.await("the MDB's consumer", WAIT, () -> broker.consumerCount(queue) == 1);

            Message reply = asker().request(OutgoingMessage.of("q").build(), WAIT);

            assertEquals("answer 3", reply.payload(String.class), "only the committed delivery answered");
            assertEquals(2, mdb[0].rollbacks.get(), "the rolled back and the failed delivery");
            Broker.await("the request's ack", WAIT, () -> Broker.unacknowledged(queue) == 0);
        }
    }

    @Test
    void aMessageWithoutReplyToReachesAReplyingMdbAsAnOrdinaryMessage() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (Harness.Deployment ignored = answering(true, request -> {
            seen.add(request.payload(String.class));
            return answer(request);
        })) {
            harness.factory().producer(Producer.to("").routingKey(queue).serializer("text").confirms(WAIT).build())
                    .publish("plain");
            Broker.await("the plain message handled", WAIT, () -> seen.size() == 1);
            Broker.await("its ack", WAIT, () -> Broker.unacknowledged(queue) == 0);
            assertEquals(List.of("plain"), seen);
            assertEquals(0, broker.messageCount(queue));
        }
    }

    @Test
    void aRequestWhoseReplyAddressLeadsNowhereIsAnsweredOnceAndAcked() throws Exception {
        AtomicInteger deliveries = new AtomicInteger();
        try (Harness.Deployment ignored = answering(true, request -> {
            deliveries.incrementAndGet();
            return answer(request);
        })) {
            // a queue that does not exist, and the direct reply-to address of an asker long gone
            for (String replyTo : List.of(queue + ".no-such-queue", "amq.rabbitmq.reply-to.g2dkABBuYW1lQGxvY2FsaG9zdAAAAAAAAAAA")) {
                broker.publish(queue, new AMQP.BasicProperties.Builder().replyTo(replyTo).correlationId("gone")
                        .contentType("text/plain").build(), "hello?".getBytes(StandardCharsets.UTF_8));
            }
            Broker.await("both requests answered and acked", WAIT, () -> deliveries.get() >= 2
                    && broker.messageCount(queue) == 0 && Broker.unacknowledged(queue) == 0);
            // the answers went nowhere, as the broker drops what no queue takes; the requests were not redelivered
            assertEquals(2, deliveries.get());
            assertEquals(4, broker.consumerCount(queue), "no consumer lost its channel");
        }
    }

    @Test
    void aRequestDeclaresWhatItsProducerDeclaresBeforeItGoesOut() throws Exception {
        String exchange = broker.exchangeName("rpc");
        Producer declaring = harness.factory().producer(Producer.to(exchange).routingKey("quote").serializer("text")
                .declare(Queue.builder(queue).bind(Exchange.direct(exchange), "quote").build()).build());

        assertThrows(RequestTimeoutException.class,
                () -> declaring.request(OutgoingMessage.of("declared?").build(), Duration.ofMillis(300)));

        GetResponse request = broker.get(queue);
        assertNotNull(request, "the exchange, the queue and its binding were declared, and the request routed");
        assertEquals("declared?", Broker.text(request));
    }

    @Test
    void aRequestInsideAJtaTransactionIsRefusedSayingWhy() {
        declareQueue();
        AtomicReference<RuntimeException> refused = new AtomicReference<>();
        harness.inTransaction(() -> refused.set(assertThrows(WarrenException.class,
                () -> asker().request(OutgoingMessage.of("in tx").build(), WAIT))));

        assertTrue(refused.get().getMessage().contains("inside a JTA transaction"), refused.get().getMessage());
        assertEquals(0, broker.messageCount(queue), "nothing was sent");
    }
}
