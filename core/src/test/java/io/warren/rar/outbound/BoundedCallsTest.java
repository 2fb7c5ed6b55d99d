package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.Exchange;
import io.warren.Producer;
import io.warren.PublishException;
import io.warren.Queue;
import io.warren.WarrenException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.FreezingProxy;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker that stops answering (the proxy in front of it forwards nothing): every call returns
 * within its own bound, far below the client's default of ten minutes.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class BoundedCallsTest {

    /** Generous bound on a call that should fail after a second or two; the client's default is 10 minutes. */
    private static final Duration BOUND = Duration.ofSeconds(60);

    private final Broker broker = new Broker();
    private final FreezingProxy proxy = new FreezingProxy();
    private final Harness harness = new Harness(2, managed -> {
        managed.setPort(proxy.port());
        managed.setChannelRpcTimeoutMillis(1000);
    });
    private final String queue = broker.queueName("bounded");
    private final Exchange exchange = Exchange.direct(broker.exchangeName("bounded"));

    BoundedCallsTest() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(exchange, "k").build());
        }
    }

    @AfterEach
    void cleanUp() {
        proxy.close();
        harness.close();
        broker.close();
    }

    private static <T> T within(CompletableFuture<T> call) throws Exception {
        try {
            return call.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    @Test
    void aConfirmThatNeverComesFailsThePublishWithoutWaitingForTheChannelToClose() throws Exception {
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("k")
                .confirms(Duration.ofSeconds(1)).build());
        producer.publish("answered");
        proxy.freeze();
        try {
            PublishException error = assertThrows(PublishException.class,
                    () -> within(CompletableFuture.runAsync(() -> producer.publish("unanswered"))));
            assertTrue(error.getMessage().contains("No confirm from the broker within PT1S"), error.getMessage());
        } finally {
            proxy.thaw();
        }
        producer.publish("answered again");
        Broker.await("both answered messages and the unanswered one", BOUND, () -> broker.messageCount(queue) == 3);
    }

    @Test
    void aDeclarationTheBrokerDoesNotAnswerFailsAfterTheRpcTimeout() throws Exception {
        String other = broker.queueName("bounded.other");
        proxy.freeze();
        try {
            WarrenException error = assertThrows(WarrenException.class, () -> within(CompletableFuture.runAsync(() -> {
                try (Connection connection = harness.factory().getConnection()) {
                    connection.declare(Queue.builder(other).build());
                }
            })));
            assertTrue(error.getMessage().contains("did not answer within 1000 ms (channelRpcTimeoutMillis)"),
                    error.getMessage());
        } finally {
            proxy.thaw();
        }
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(other).build());
        }
        assertEquals(0, broker.messageCount(other));
    }
}
