package io.warren.rar.outbound;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.EncodeException;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.PublishException;
import io.warren.RetryPolicy;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.PublishFaultProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Publishing with a retry policy, as kombu's {@code publish(retry=True)}, against the real broker
 * behind a proxy that loses connections at a publish and confirms on cue: the lost publish is
 * published again on a new connection with the same message id, the policy bounds the tries and
 * the final error names them, and inside a transaction nothing is retried.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class PublishRetryTest {

    private static final RetryPolicy QUICK = RetryPolicy.builder().maxRetries(2)
            .intervalStart(Duration.ofMillis(20)).intervalStep(Duration.ofMillis(20)).build();

    private final PublishFaultProxy proxy = new PublishFaultProxy();
    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2, managed -> managed.setPort(proxy.port()));
    private String queue;

    @BeforeEach
    void declareQueue() throws Exception {
        queue = broker.queueName("retry");
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(queue, false, false, false, null);
        }
    }

    @AfterEach
    void cleanUp() {
        proxy.dropConnectionAtNextPublishes(0);
        harness.close();
        proxy.close();
        broker.close();
    }

    private Producer producer(RetryPolicy policy, Duration confirmTimeout) {
        return harness.factory().producer(Producer.to("").routingKey(queue).retry(policy).confirms(confirmTimeout).build());
    }

    @Test
    void aConnectionLostMidPublishIsPublishedAgainOnANewConnectionAndArrivesOnce() {
        Producer producer = producer(QUICK, Duration.ofSeconds(10));
        proxy.dropConnectionAtNextPublishes(1);

        producer.publish("order 1");

        assertEquals(2, proxy.publishes(), "the dropped publish and its retry");
        assertEquals(2, proxy.connections(), "the retry connected again");
        assertEquals(1, broker.messageCount(queue), "the broker never got the dropped try");
        GetResponse arrived = broker.get(queue);
        assertEquals("\"order 1\"", Broker.text(arrived));
        assertNotNull(arrived.getProps().getMessageId(), "a retried publish carries a message id");
    }

    @Test
    void aLostConfirmIsPublishedAgainAndBothCopiesCarryTheSameMessageId() {
        Producer producer = producer(QUICK, Duration.ofMillis(500));
        proxy.swallowNextConfirms(1);

        producer.publish(OutgoingMessage.of("order 2").build());

        assertEquals(1, proxy.confirmsSwallowed());
        assertEquals(2, broker.messageCount(queue), "the broker got both tries: a consumer drops the duplicate by id");
        String first = broker.get(queue).getProps().getMessageId();
        String second = broker.get(queue).getProps().getMessageId();
        assertNotNull(first);
        assertEquals(first, second, "every try carries the same message id");
    }

    @Test
    void theApplicationsOwnMessageIdIsKeptAcrossTries() {
        Producer producer = producer(QUICK, Duration.ofSeconds(10));
        proxy.dropConnectionAtNextPublishes(1);

        producer.publish(OutgoingMessage.of("order 3").messageId("order-3").build());

        assertEquals("order-3", broker.get(queue).getProps().getMessageId());
    }

    @Test
    void whenThePolicyIsExhaustedTheFailureNamesTheTriesAndTheLastCause() {
        Producer producer = producer(QUICK, Duration.ofSeconds(2));
        proxy.dropConnectionAtNextPublishes(Integer.MAX_VALUE);
        long start = System.nanoTime();

        PublishException failure = assertThrows(PublishException.class,
                () -> producer.publish(OutgoingMessage.of("order 4").messageId("order-4").build()));

        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(3, proxy.publishes(), "the first try and two retries, no more");
        assertTrue(failure.getMessage().startsWith("Gave up publishing message order-4 to exchange '' after 3 tries "
                + "(retry policy: at most 2 retries); the last failed: "), failure.getMessage());
        assertNotNull(failure.getCause(), "the last cause");
        assertTrue(failure.getMessage().endsWith(failure.getCause().getMessage()), failure.getMessage());
        assertEquals(0, broker.messageCount(queue));
        // three tries of at most the confirm timeout each, and the policy's waits between them
        assertTrue(took.compareTo(Duration.ofSeconds(3 * 2).plus(QUICK.maxWait())) < 0, "took " + took);
    }

    @Test
    void withoutARetryPolicyTheSameLostConnectionFailsThePublishAtOnce() {
        Producer once = harness.factory().producer(Producer.to("").routingKey(queue)
                .confirms(Duration.ofSeconds(10)).build());
        proxy.dropConnectionAtNextPublishes(1);

        assertThrows(RuntimeException.class, () -> once.publish("order 5"));

        assertEquals(1, proxy.publishes());
        assertEquals(0, broker.messageCount(queue));
    }

    @Test
    void insideATransactionNothingIsRetriedAndTheTransactionDecides() {
        Producer producer = producer(QUICK, Duration.ofSeconds(10));
        proxy.dropConnectionAtNextPublishes(1);

        assertThrows(RuntimeException.class, () -> harness.inTransaction(() -> producer.publish("order 6")));

        assertEquals(1, proxy.publishes(), "no second try inside the transaction");
        assertEquals(0, broker.messageCount(queue), "the transaction did not commit");
        producer.publish("order 6, again, by the application");
        assertEquals(1, broker.messageCount(queue));
    }

    @Test
    void aPayloadThatDoesNotEncodeIsNotRetried() {
        Producer producer = harness.factory().producer(Producer.to("").routingKey(queue).serializer("json")
                .retry(QUICK).build());

        RuntimeException failure = assertThrows(RuntimeException.class, () -> producer.publish(new Object()));

        assertInstanceOf(EncodeException.class, failure);
        assertEquals(0, proxy.publishes());
        assertNull(broker.get(queue));
    }

    @Test
    void aPolicyOutOfRangeNamesEveryBadValue() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder()
                .maxRetries(-1).intervalStep(Duration.ofMillis(-5)).build());
        assertEquals("Invalid retry policy: maxRetries must be 0 or more, not -1; intervalStep must be zero or more, "
                + "not PT-0.005S", error.getMessage());
        assertEquals(Duration.ofMillis(600), RetryPolicy.DEFAULT.maxWait(), "Celery's default: 0 + 0.2 + 0.4 s");
        assertEquals(Duration.ofSeconds(1), RetryPolicy.builder().maxRetries(10).build().interval(10),
                "never longer than intervalMax");
    }
}
