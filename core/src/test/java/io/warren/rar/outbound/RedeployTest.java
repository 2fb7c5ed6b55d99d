package io.warren.rar.outbound;

import io.warren.Connection;
import io.warren.ConnectionFactory;
import io.warren.Exchange;
import io.warren.Message;
import io.warren.Producer;
import io.warren.Queue;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import io.warren.container.PoolingConnectionManager;
import io.warren.rar.serialization.OverridingJsonSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import javax.management.ObjectName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What an application leaves behind when it is undeployed: its connection factory's broker
 * connection, its registration with the adapter, its serializers and class loader. Nothing.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class RedeployTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);
    private final String queue = broker.queueName("redeploy");
    private final Exchange exchange = Exchange.direct(broker.exchangeName("redeploy"));

    RedeployTest() {
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(exchange, "k").build());
        }
    }

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    /** An application with its own connection factory: deployed, used, undeployed (its pool emptied). */
    private void deployUseAndUndeploy(String connectionName) throws Exception {
        WarrenManagedConnectionFactory managed = new WarrenManagedConnectionFactory();
        managed.setResourceAdapter(harness.adapter());
        managed.setConnectionName(connectionName);
        PoolingConnectionManager pool = new PoolingConnectionManager(2, Duration.ofSeconds(30));
        ConnectionFactory factory = (ConnectionFactory) managed.createConnectionFactory(pool);
        factory.producer(Producer.to(exchange.name()).routingKey("k").confirms(Duration.ofSeconds(10)).build())
                .publish("from " + connectionName);
        assertEquals(1, Broker.connectionsNamed(connectionName), "the application's factory is connected");
        pool.shutdown();
    }

    @Test
    void redeployingAnApplicationWithItsOwnFactoryLeavesNoConnectionBehind() throws Exception {
        String application = harness.connectionName() + "-app";
        int registeredBefore = harness.adapter().registeredFactories();
        for (int deployment = 0; deployment < 5; deployment++) {
            deployUseAndUndeploy(application);
        }
        Broker.await("the applications' broker connections to close", Duration.ofSeconds(30),
                () -> Broker.connectionsNamed(application) == 0, () -> Broker.connectionsNamed(application) + " left");
        assertEquals(registeredBefore, harness.adapter().registeredFactories(), "the adapter forgot the factories");
        assertEquals(Set.of(), ManagementFactory.getPlatformMBeanServer().queryNames(
                new ObjectName("io.warren:type=ConnectionFactory,name=" + application + ",*"), null),
                "the factories' MBeans went with their pools");
        assertEquals(5, broker.messageCount(queue));
        assertEquals(1, Broker.connectionsNamed(harness.connectionName() + " (outbound)"), "the adapter's own factory kept its");
    }

    @Test
    void aFactoryWhosePoolWasEmptiedConnectsAgainWhenUsed() {
        Producer producer = harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build());
        producer.publish("before");
        harness.pool().shutdown();
        Broker.await("the broker connection to close", Duration.ofSeconds(30),
                () -> Broker.connectionsNamed(harness.connectionName()) == 0);
        producer.publish("after");
        Broker.await("both messages", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 2);
    }

    /** @return a class loader as a second application's, whose services file registers its own application/json */
    private static URLClassLoader applicationWithItsOwnJson() {
        try {
            Path root = Files.createTempDirectory("warren-app");
            Path services = root.resolve("META-INF/services");
            Files.createDirectories(services);
            Files.writeString(services.resolve("io.warren.Serializer"), OverridingJsonSerializer.class.getName() + "\n");
            return new URLClassLoader(new URL[] {root.toUri().toURL()}, RedeployTest.class.getClassLoader());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T withContextLoader(ClassLoader loader, Supplier<T> work) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return work.get();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    @Test
    void eachApplicationEncodesWithItsOwnSerializersAndMayReplaceJson() {
        Producer first = harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build());
        first.publish("plain");
        try (URLClassLoader second = applicationWithItsOwnJson()) {
            withContextLoader(second, () -> {
                harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build()).publish("own");
                return null;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        first.publish("plain again");
        Broker.await("three messages", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 3);
        assertEquals("\"plain\"", Broker.text(broker.get(queue)));
        assertEquals("{\"overridden\":\"own\"}", Broker.text(broker.get(queue)));
        assertEquals("\"plain again\"", Broker.text(broker.get(queue)));
    }

    @Test
    void anUndeployedApplicationsClassLoaderCanBeCollected() throws Exception {
        URLClassLoader application = applicationWithItsOwnJson();
        withContextLoader(application, () -> {
            harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build()).publish("own");
            return null;
        });
        application.close();
        WeakReference<ClassLoader> undeployed = new WeakReference<>(application);
        application = null;
        Broker.await("the application's class loader to be collected", Duration.ofSeconds(30), () -> {
            System.gc();
            return undeployed.get() == null;
        });
    }

    /** A record with java.time fields, as applications send them. */
    record Shipment(String id, Instant shippedAt) {
    }

    @Test
    void aRecordWithAnInstantEncodesAndDecodes() {
        Shipment shipment = new Shipment("s-1", Instant.parse("2026-11-30T12:34:56.789Z"));
        harness.factory().producer(Producer.to(exchange.name()).routingKey("k").build()).publish(shipment);
        Broker.await("the shipment", Duration.ofSeconds(10), () -> broker.messageCount(queue) == 1);
        try (Connection connection = harness.factory().getConnection()) {
            Message message = connection.fetch(queue).orElseThrow();
            assertEquals(shipment, message.payload(Shipment.class));
            message.ack();
        }
    }
}
