package io.warren.test;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.warren.ConnectionFactory;
import io.warren.MessageListener;
import io.warren.ProducerSettings;
import io.warren.ReplyingListener;
import io.warren.container.PoolingConnectionManager;
import io.warren.container.TestBootstrapContext;
import io.warren.container.TestWorkManager;
import io.warren.Producer;
import io.warren.rar.WarrenResourceAdapter;
import io.warren.rar.inbound.WarrenActivationSpec;
import io.warren.rar.outbound.WarrenManagedConnectionFactory;
import io.warren.test.broker.InMemoryBroker;
import jakarta.resource.ResourceException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Warren in a plain unit test: the resource adapter started without a server, on the in-memory
 * broker or on a real one, with MDBs deployed from their {@code @MessageDriven} annotation, a
 * {@link ConnectionFactory} and {@link Producer}s for the code under test, and a look at what
 * reached the queues. The adapter's own inbound and outbound code does the work, as in the server.
 *
 * <pre>{@code
 * try (WarrenTestKit kit = WarrenTestKit.inMemory()) {     // or WarrenTestKit.broker("amqp://127.0.0.1")
 *     Mdb<StockWatcher> watcher = kit.deploy(StockWatcher.class);
 *     kit.producer(Producer.to("stocks").serializer("text").build()).publish("quote", "nyse.stock.ibm");
 *     watcher.awaitDeliveries(1);
 * }
 * }</pre>
 *
 * Not thread-safe to set up; the objects it hands out are as thread-safe as in the server.
 */
public final class WarrenTestKit implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final InMemoryBroker broker;
    private final String uri;
    // the adapter, its work manager and pool: what the server would hold
    private final WarrenResourceAdapter adapter = new WarrenResourceAdapter();
    private final TestWorkManager workManager = new TestWorkManager();
    // unbounded, as the kit runs no more threads than the test makes
    private final PoolingConnectionManager pool = new PoolingConnectionManager(Integer.MAX_VALUE, Duration.ofSeconds(30));
    private final ConnectionFactory factory;
    private final List<Mdb<?>> deployed = new ArrayList<>();
    private final Set<String> declaredQueues = new LinkedHashSet<>();
    private final Set<String> declaredExchanges = new LinkedHashSet<>();
    private Connection inspector;

    private WarrenTestKit(InMemoryBroker broker, String uri) {
        this.broker = broker;
        this.uri = uri;
        try {
            adapter.setUri(uri);
            adapter.setConnectionName("warren-test-" + UUID.randomUUID().toString().substring(0, 8));
            adapter.start(new TestBootstrapContext(workManager, null));
            WarrenManagedConnectionFactory managed = new WarrenManagedConnectionFactory();
            managed.setResourceAdapter(adapter);
            factory = (ConnectionFactory) managed.createConnectionFactory(pool);
        } catch (ResourceException e) {
            close();
            throw new IllegalStateException("Warren's resource adapter does not start: " + e.getMessage(), e);
        }
    }

    /** @return a kit on a new in-memory broker of its own */
    public static WarrenTestKit inMemory() {
        return new WarrenTestKit(InMemoryBroker.start());
    }

    /**
     * @param uri a real broker, e.g. {@code amqp://guest:guest@127.0.0.1:5672}
     * @return a kit on that broker; what its MDBs declare is deleted when it closes
     */
    public static WarrenTestKit broker(String uri) {
        return new WarrenTestKit(null, uri);
    }

    private WarrenTestKit(InMemoryBroker broker) {
        this(broker, broker.uri());
    }

    /** @return the in-memory broker, when the kit runs on one */
    public Optional<InMemoryBroker> inMemoryBroker() {
        return Optional.ofNullable(broker);
    }

    /** @return the broker's URI */
    public String uri() {
        return uri != null ? uri : broker.uri();
    }

    /** @return the connection factory the application would look up in JNDI */
    public ConnectionFactory connectionFactory() {
        return factory;
    }

    /** @return a producer as {@code @PublishTo} or {@link ConnectionFactory#producer} gives one in the server */
    public Producer producer(ProducerSettings settings) {
        return factory.producer(settings);
    }

    /** @return a producer to that exchange, JSON, no confirms */
    public Producer producer(String exchange) {
        return factory.producer(exchange);
    }

    /** Deploys an MDB with a public no-argument constructor. */
    public <T> Mdb<T> deploy(Class<T> type) {
        return deploy(type, () -> instantiate(type), Map.of());
    }

    /**
     * Deploys an MDB whose beans the test builds, to hand them their dependencies (what the server
     * would inject).
     */
    public <T> Mdb<T> deploy(Class<T> type, Supplier<? extends T> beans) {
        return deploy(type, beans, Map.of());
    }

    /**
     * Deploys an MDB with some activation properties changed, e.g. {@code Map.of("concurrency", "1")}.
     *
     * @throws IllegalArgumentException naming a property Warren does not have, or a bad value
     */
    public <T> Mdb<T> deploy(Class<T> type, Supplier<? extends T> beans, Map<String, String> overrides) {
        if (!MessageListener.class.isAssignableFrom(type) && !ReplyingListener.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(type.getName() + " cannot be deployed: an MDB of Warren's implements "
                    + MessageListener.class.getName() + " or " + ReplyingListener.class.getName());
        }
        Map<String, String> properties = ActivationConfig.of(type, overrides);
        WarrenActivationSpec spec = ActivationConfig.spec(type, properties);
        spec.setResourceAdapter(adapter);
        Mdb<T> mdb = new Mdb<>(TIMEOUT);
        MdbEndpointFactory<T> endpoints = new MdbEndpointFactory<>(type, beans, mdb);
        try {
            spec.validate();
            adapter.endpointActivation(endpoints, spec);
        } catch (ResourceException e) {
            throw new IllegalArgumentException(type.getSimpleName() + " cannot be deployed: " + e.getMessage(), e);
        }
        remember(properties);
        mdb.undeployWith(() -> adapter.endpointDeactivation(endpoints, spec));
        deployed.add(mdb);
        for (String queue : queues(properties)) {
            awaitConsumer(type, queue);
        }
        return mdb;
    }

    /** The adapter declares and subscribes on its own threads: the MDB is deployed once each queue has a consumer. */
    private void awaitConsumer(Class<?> type, String queue) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (consumers(queue) < 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(type.getSimpleName() + " has no consumer on queue '" + queue + "' after "
                        + TIMEOUT + "; the adapter's log says why");
            }
            pause();
        }
    }

    private int consumers(String queue) {
        Integer consumers = withChannel(channel -> {
            try {
                return channel.queueDeclarePassive(queue).getConsumerCount();
            } catch (IOException missing) {
                return 0;
            }
        });
        return consumers;
    }

    private static List<String> queues(Map<String, String> properties) {
        List<String> queues = new ArrayList<>();
        for (String key : List.of("queue", "queues")) {
            String names = properties.get(key);
            if (names != null) {
                for (String name : names.split(",")) {
                    if (!name.isBlank()) {
                        queues.add(name.trim());
                    }
                }
            }
        }
        return queues;
    }

    private void remember(Map<String, String> properties) {
        if ("false".equalsIgnoreCase(properties.getOrDefault("declare", "true").trim())) {
            return;
        }
        for (String queue : queues(properties)) {
            declaredQueues.add(queue);
            declaredQueues.add(queue + ".dead-letters");
        }
        String exchange = properties.get("exchange");
        if (exchange != null && !exchange.isBlank()) {
            declaredExchanges.add(exchange.trim());
        }
    }

    private static <T> T instantiate(Class<T> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(type.getName() + " needs a public no-argument constructor, or deploy "
                    + "it with a supplier of beans", e);
        }
    }

    /** @return the messages ready in the queue now, taken out of it (acked); empty when there are none */
    public List<Delivered> take(String queue) {
        List<Delivered> taken = new ArrayList<>();
        withChannel(channel -> {
            GetResponse response;
            while ((response = channel.basicGet(queue, true)) != null) {
                taken.add(Delivered.of(response));
            }
            return null;
        });
        return taken;
    }

    /** @return the messages Warren parked in {@code <queue>.dead-letters}, taken out of it */
    public List<Delivered> deadLetters(String queue) {
        return count(queue + ".dead-letters") < 0 ? List.of() : take(queue + ".dead-letters");
    }

    /** @return the messages ready in the queue, or -1 when there is no such queue */
    public int count(String queue) {
        return withChannel(channel -> {
            try {
                return channel.queueDeclarePassive(queue).getMessageCount();
            } catch (IOException missing) {
                return -1;
            }
        });
    }

    /**
     * Waits until the queue holds that many ready messages: the broker routes, expires and
     * dead-letters on its own time.
     *
     * @throws AssertionError when it does not within the kit's timeout
     */
    public void awaitCount(String queue, int expected) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int count;
        while ((count = count(queue)) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("queue '" + queue + "' holds " + count + " messages, not " + expected
                        + ", after " + TIMEOUT);
            }
            pause();
        }
    }

    /**
     * Waits until every message of the queue was delivered and acknowledged: none ready, none
     * unacked. Needs the in-memory broker (a real one does not tell its unacked count over AMQP;
     * there, close the {@link Mdb} first: what it did not ack is back in the queue).
     *
     * @throws AssertionError when that does not happen within the kit's timeout
     */
    public void awaitAcked(String queue) {
        if (broker == null) {
            throw new UnsupportedOperationException("awaitAcked needs the in-memory broker; on a real broker close "
                    + "the Mdb and check count(\"" + queue + "\"): what it did not ack is back in the queue");
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            InMemoryBroker.QueueStats stats = broker.queue(queue)
                    .orElseThrow(() -> new AssertionError("there is no queue '" + queue + "'"));
            if (stats.ready() == 0 && stats.unacked() == 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("queue '" + queue + "' still holds " + stats + " after " + TIMEOUT);
            }
            pause();
        }
    }

    /** Between two looks at the broker: long enough to leave the CPU to the adapter, short next to a delivery. */
    private static void pause() {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }

    private interface ChannelWork<R> {
        R run(Channel channel) throws IOException;
    }

    private synchronized <R> R withChannel(ChannelWork<R> work) {
        try {
            if (inspector == null || !inspector.isOpen()) {
                com.rabbitmq.client.ConnectionFactory connections = new com.rabbitmq.client.ConnectionFactory();
                connections.setUri(uri());
                connections.setAutomaticRecoveryEnabled(false);
                inspector = connections.newConnection("warren-test inspector");
            }
            Channel channel = inspector.createChannel();
            try {
                return work.run(channel);
            } finally {
                if (channel.isOpen()) {
                    channel.close();
                }
            }
        } catch (IOException | TimeoutException | java.net.URISyntaxException
                 | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot look at the broker " + uri() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Undeploys every MDB, stops the adapter, and closes the in-memory broker; on a real broker
     * deletes the queues (and their dead-letter queues) and exchanges its MDBs declared.
     */
    @Override
    public void close() {
        for (Mdb<?> mdb : deployed) {
            mdb.close();
        }
        pool.shutdown();
        adapter.stop();
        workManager.shutdown();
        if (broker == null) {
            withChannel(channel -> {
                for (String queue : declaredQueues) {
                    channel.queueDelete(queue);
                }
                for (String exchange : declaredExchanges) {
                    channel.exchangeDelete(exchange);
                }
                return null;
            });
        }
        try {
            if (inspector != null && inspector.isOpen()) {
                inspector.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        if (broker != null) {
            broker.close();
        }
    }
}
