package io.warren.rar.metrics;

import io.warren.Connection;
import io.warren.Exchange;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.UnroutableException;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.BrokerSetting;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A connection factory's MBean counts its publishes and the broker's answers, against the real broker. */
@ResourceLock(Broker.LOCK) // raises the broker's memory alarm
class FactoryMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("factory-metrics");
    private final Exchange exchange = Exchange.direct(broker.exchangeName("factory-metrics"));

    FactoryMetricsTest() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(exchange, "k").build());
        }
    }

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    @Test
    void publishesConfirmsAndReturnsAreCountedAndTheMBeanGoesWithTheFactory() throws Exception {
        ConnectionFactoryMXBean metrics = Mbeans.factory(harness.connectionName());
        Producer confirmed = harness.factory().producer(Producer.to(exchange.name()).routingKey("k")
                .confirms(Duration.ofSeconds(30)).build());
        int n = 500;
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(confirmed.publishConfirmed("message " + i));
        }
        for (CompletableFuture<Void> answer : answers) {
            answer.get(30, TimeUnit.SECONDS);
        }
        confirmed.publish("one more, waited on");
        assertEquals(n + 1, metrics.getPublishes());
        assertEquals(n + 1, metrics.getConfirms(), "multiple acks count every message they confirm");
        assertEquals(n + 1, metrics.getConfirmLatencyCount());
        assertTrue(metrics.getConfirmLatencyMaxMillis() > 0);
        assertEquals(0, metrics.getNacks());
        assertEquals(0, metrics.getConfirmTimeouts());
        assertEquals(n + 1, broker.messageCount(queue));

        Producer mandatory = harness.factory().producer(Producer.to(exchange.name()).routingKey("nowhere")
                .mandatory(true).confirms(Duration.ofSeconds(30)).build());
        assertThrows(UnroutableException.class, () -> mandatory.publish("unroutable"));
        assertEquals(1, metrics.getReturns());

        assertTrue(metrics.isConnected());
        assertEquals("127.0.0.1:5672", metrics.getNode());
        assertEquals(1, metrics.getConnectionsOpen());
        assertTrue(metrics.getChannelsOpen() >= 1 && metrics.getChannelsOpen() <= 2, "" + metrics.getChannelsOpen());
        assertTrue(metrics.getManagedConnections() >= 1);
        assertFalse(metrics.isBlocked());
        assertEquals("", metrics.checkBroker());
        System.out.printf("%d confirms: latency total %.1f ms, max %.2f ms%n", metrics.getConfirms(),
                metrics.getConfirmLatencyTotalMillis(), metrics.getConfirmLatencyMaxMillis());

        harness.pool().shutdown();
        assertTrue(Mbeans.named("io.warren:type=ConnectionFactory,name=" + harness.connectionName()).isEmpty(),
                "unregistered with the factory's last managed connection");
    }

    @Test
    void aLostConnectionShowsAsDownAndTheCheckConnectsAgain() throws Exception {
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build());
        producer.publish("before");
        ConnectionFactoryMXBean metrics = Mbeans.factory(harness.connectionName());
        assertTrue(metrics.isConnected());
        assertEquals(1, Mbeans.closeConnectionsNamed(harness.connectionName() + " (outbound)"));
        // the node and the counts are updated by different listeners of the closing connection, one after the other
        Broker.await("the connection seen down, its connection and channels counted closed", WAIT,
                () -> !metrics.isConnected() && metrics.getConnectionsOpen() == 0 && metrics.getChannelsOpen() == 0,
                () -> "connected " + metrics.isConnected() + ", connections open " + metrics.getConnectionsOpen()
                        + ", channels open " + metrics.getChannelsOpen());
        assertEquals("", metrics.checkBroker(), "the broker is there: the check connects again");
        assertTrue(metrics.isConnected());
        assertEquals(1, metrics.getConnectionsOpen());
    }

    @Test
    void theBlockedStateFollowsTheBrokersMemoryAlarm() {
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build());
        producer.publish("before the alarm");
        ConnectionFactoryMXBean metrics = Mbeans.factory(harness.connectionName());
        try (BrokerSetting watermark = BrokerSetting.memoryHighWatermark()) {
            watermark.set("0.0000001");
            Broker.await("the broker to raise its memory alarm", WAIT, Broker::memoryAlarm);
            // the broker blocks a connection when it publishes under the alarm
            producer.publish("as the alarm starts, kept until it ends");
            Broker.await("the factory seen blocked", WAIT, metrics::isBlocked);
        }
        Broker.await("the factory seen unblocked", WAIT, () -> !metrics.isBlocked());
    }
}
