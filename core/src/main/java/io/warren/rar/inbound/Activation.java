package io.warren.rar.inbound;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.DeclarationException;
import io.warren.Queue;
import io.warren.rar.config.AddressRotation;
import io.warren.rar.config.BrokerConnector;
import io.warren.rar.config.ConnectionSettings;
import io.warren.rar.metrics.ActivationMetrics;
import io.warren.rar.metrics.MBeans;
import io.warren.rar.serialization.Serializers;
import io.warren.rar.tracing.Tracing;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkManager;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.management.ObjectName;
import java.util.logging.Logger;

/**
 * One MDB's consumption: its own broker connection, the declarations, and {@code concurrency}
 * consumers, kept there by one Work on the container's WorkManager that converges: whatever was
 * lost (the connection, one consumer's channel, a consumer the broker cancelled) is brought back,
 * at once and then with a growing wait ({@link Backoff}) while it keeps failing.
 *
 * <p>Its life: {@link #start()} asks for the first connection on a container thread and waits a
 * little for it, so that a declaration the broker refuses fails the deployment while a broker
 * that cannot be reached does not hold it up; {@link #stop()} waits for the Work, then for the
 * deliveries under way, and closes everything: after it returns nothing of this activation runs.
 */
final class Activation {

    private static final Logger LOG = Logger.getLogger(Activation.class.getName());
    /** How long the deployment waits for the first connection before it goes on and lets it finish in the background. */
    static final long FIRST_CONNECT_WAIT_MILLIS = 5_000;

    /** Makes each consumer's own endpoint. */
    private final Supplier<ConsumerEndpoint> endpoints;
    private final Later later;
    private final InboundSettings settings;
    private final BrokerConnector connector;
    private final DeliveryContext context;
    private final ConsumerHost host = new Host();
    private final String description;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();
    private final Reconnector reconnector;
    private final InboundDeclarations declarations;
    private final ActivationMetrics metrics;
    private volatile ObjectName mbean;
    private volatile boolean stopped;
    private Connection connection;
    private final List<QueueConsumer> consumers = new ArrayList<>();
    private final List<QueueConsumer> lost = new ArrayList<>();

    Activation(MessageEndpointFactory endpointFactory, WorkManager workManager, Later later, InboundSettings settings,
               ConnectionSettings connectionSettings, AddressRotation rotation, Serializers serializers,
               TransactionSynchronizationRegistry transactionRegistry, Tracing tracing) {
        this.later = later;
        this.settings = settings;
        this.connector = new BrokerConnector(connectionSettings, null, null, rotation);
        List<String> names = settings.queues().stream().map(Queue::name).toList();
        this.description = Endpoints.describe(endpointFactory, names);
        this.metrics = new ActivationMetrics(Endpoints.name(endpointFactory), Endpoints.beanClass(endpointFactory), names,
                settings.concurrency(), this::consumerCount);
        this.endpoints = () -> new ConsumerEndpoint(endpointFactory, transactionRegistry, metrics, description);
        this.context = DeliveryContext.of(description, settings, serializers, connectionSettings, connector, metrics, workManager,
                tracing);
        this.declarations = new InboundDeclarations(settings, context.redeliveries(), connectionSettings.virtualHost());
        this.reconnector = new Reconnector(new Reconnecting(), workManager, later, settings, description,
                connector.describe() + " as user '" + connectionSettings.user() + "'", connectionSettings.virtualHost());
    }

    /** What the reconnector brings back, and how it tells the deployment about its first attempt. */
    private final class Reconnecting implements Reconnector.Target {
        @Override
        public void converge(int failuresBefore) throws IOException, TimeoutException {
            try {
                convergeOnce(failuresBefore);
                metrics.attempted(null);
            } catch (IOException | TimeoutException | RuntimeException e) {
                metrics.attempted(e);
                throw e;
            }
        }

        @Override
        public boolean isStopped() {
            return stopped;
        }

        @Override
        public boolean pause(long millis) {
            return Activation.this.pause(millis);
        }

        @Override
        public boolean failsDeployment(DeclarationException refusal) {
            return firstConnect.completeExceptionally(refusal);
        }

        @Override
        public void firstAttemptFailed() {
            firstConnect.complete(null);
        }
    }

    /** What the consumers ask of the activation, and all they reach of it. */
    private final class Host implements ConsumerHost {
        /**
         * The broker closed a consumer's channel, or cancelled its consumer, and the connection lives:
         * the consumer is retired, and a new one takes its place. Called on the client's threads, so
         * the retiring, which talks to the broker, is left to the Work.
         */
        @Override
        public void consumerLost(QueueConsumer consumer, String reason) {
            lock.lock();
            try {
                if (stopped || !consumers.remove(consumer)) {
                    return;
                }
                lost.add(consumer);
            } finally {
                lock.unlock();
            }
            LOG.warning(() -> "A consumer of " + description + " stopped: " + reason + ". A new consumer replaces "
                    + "it; its deliveries not yet acked come back from the broker");
            reconnector.request();
        }

        @Override
        public void holdBack() {
            pause(Math.min(1_000, settings.reconnectBackoff().first().toMillis()));
        }

        @Override
        public void later(long delayMillis, Runnable task) {
            if (stopped) {
                task.run(); // it must still end
            } else {
                later.run(delayMillis, task);
            }
        }
    }

    /**
     * Asks for the first connection, declarations and consumers on a container thread and waits up
     * to {@value #FIRST_CONNECT_WAIT_MILLIS} ms for them. A declaration the broker refuses fails the
     * activation; a broker that cannot be reached, or is slow to answer, is retried in the background.
     */
    void start() throws ResourceException {
        mbean = MBeans.register(metrics.nameKeys(), metrics);
        reconnector.request();
        try {
            firstConnect.get(FIRST_CONNECT_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            stop();
            throw new ResourceException("Cannot activate " + description + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            // from now on a refused declaration is logged and retried, not thrown: the deployment went on
            if (firstConnect.complete(null)) {
                LOG.info(() -> "Still connecting " + description + " to " + connector.describe() + " after "
                        + FIRST_CONNECT_WAIT_MILLIS + " ms; the deployment goes on and the MDB consumes once connected");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            firstConnect.complete(null);
        }
    }

    /**
     * One round: a connection if there is none, the declarations, and a new consumer for each missing one.
     *
     * @param failuresBefore attempts that failed before this one, to say so once it succeeds
     */
    private void convergeOnce(int failuresBefore) throws IOException, TimeoutException {
        List<QueueConsumer> retired;
        Connection current;
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            retired = List.copyOf(lost);
            lost.clear();
            current = connection;
        } finally {
            lock.unlock();
        }
        retired.forEach(QueueConsumer::cancel);
        retired.forEach(QueueConsumer::close);
        boolean fresh = current == null || !current.isOpen();
        if (fresh) {
            abandonConnection();
            current = connector.open("inbound: " + description);
            boolean adopted;
            lock.lock();
            try {
                adopted = !stopped;
                if (adopted) {
                    // before the declarations: a stop meanwhile closes it, which ends their wait on a
                    // broker that stopped answering instead of leaving this Work running after the stop
                    connection = current;
                }
            } finally {
                lock.unlock();
            }
            if (!adopted) {
                Teardown.closeQuietly(current);
                return;
            }
            try {
                declarations.declare(current);
            } catch (IOException | RuntimeException e) {
                Teardown.closeQuietly(current);
                throw e;
            }
            metrics.connected(current);
            // on a connection already closed, the listener is called at once
            current.addShutdownListener(this::connectionLost);
        } else if (!retired.isEmpty()) {
            declarations.declare(current); // a cancelled consumer's queue may have been deleted: it comes back
        }
        int started = startMissingConsumers(current);
        String node = current.getAddress().getHostAddress() + ":" + current.getPort();
        firstConnect.complete(null);
        if (failuresBefore > 0) {
            LOG.info(() -> "Warren consumes again for " + description + " at " + node + " after " + (failuresBefore + 1)
                    + " attempts");
        } else if (fresh) {
            LOG.info(() -> "Warren consumes for " + description + " at " + node + " with " + settings.concurrency()
                    + " consumer(s), prefetch " + settings.prefetch());
        } else if (started > 0) {
            LOG.info(() -> "Warren replaced " + started + " consumer(s) of " + description + "; it runs "
                    + settings.concurrency() + " again");
        }
    }

    /** @return how many consumers it started */
    private int startMissingConsumers(Connection current) throws IOException {
        int started = 0;
        while (true) {
            if (!roomForAnotherConsumer()) {
                return started;
            }
            // never under the lock: the channel's open-ok is read by the connection's thread, which may be
            // waiting for the lock to report a consumer the broker closed (consumerLost)
            Channel channel = current.createChannel();
            if (channel == null) {
                throw new IOException("the broker's channel_max leaves no channel for another consumer of "
                        + description);
            }
            QueueConsumer consumer = new QueueConsumer(context, host, endpoints.get(), channel);
            boolean kept;
            lock.lock();
            try {
                // only this Work starts consumers, but stop() may have come meanwhile
                kept = !stopped && consumers.size() < settings.concurrency();
                if (kept) {
                    consumers.add(consumer);
                }
            } finally {
                lock.unlock();
            }
            if (!kept) {
                consumer.close();
                return started;
            }
            try {
                // stop() may close it meanwhile: its deliveries are then dropped, never delivered
                consumer.start();
                started++;
            } catch (IOException | RuntimeException e) {
                lock.lock();
                try {
                    consumers.remove(consumer);
                } finally {
                    lock.unlock();
                }
                consumer.cancel();
                consumer.close();
                throw e;
            }
        }
    }

    private boolean roomForAnotherConsumer() {
        lock.lock();
        try {
            return !stopped && consumers.size() < settings.concurrency();
        } finally {
            lock.unlock();
        }
    }

    private void connectionLost(ShutdownSignalException cause) {
        if (stopped || cause.isInitiatedByApplication()) {
            return;
        }
        LOG.warning(() -> "Lost the broker connection of " + description + " (" + cause.getMessage()
                + "); reconnecting at once, then with a wait from " + settings.reconnectBackoff().first().toMillis()
                + " ms doubling up to " + settings.reconnectBackoff().max().toMillis() + " ms. Deliveries in flight "
                + "cannot be acked and come back from the broker (at-least-once)");
        reconnector.request();
    }

    /** Lets go of the consumers of a lost connection; their deliveries under way finish, unacked. */
    private void abandonConnection() {
        List<QueueConsumer> abandoned;
        Connection gone;
        lock.lock();
        try {
            abandoned = List.copyOf(consumers);
            consumers.clear();
            gone = connection;
            connection = null;
        } finally {
            lock.unlock();
        }
        abandoned.forEach(QueueConsumer::cancel);
        abandoned.forEach(QueueConsumer::close);
        if (gone != null) {
            Teardown.closeQuietly(gone);
        }
    }

    /** Waits, unless stopped first. @return whether still running */
    private boolean pause(long millis) {
        lock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!stopped && left > 0) {
                left = changed.awaitNanos(left);
            }
            return !stopped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a reconnect under way to end, cancels the consumers, lets the deliveries under way
     * finish within the shutdown timeout, then closes the connection (the broker requeues whatever
     * its channels held unacked) and releases the endpoints. Returns within {@code shutdownTimeoutMillis}
     * plus {@value Teardown#SHUTDOWN_MARGIN_MILLIS} ms, also when the broker stopped answering: no step
     * waits for the broker past the deadline but the bounded closes of two connections.
     */
    void stop() {
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        List<QueueConsumer> stopping = new ArrayList<>();
        Connection closing;
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        boolean workIdle = reconnector.awaitIdle(deadline);
        lock.lock();
        try {
            stopping.addAll(consumers);
            stopping.addAll(lost);
            consumers.clear();
            lost.clear();
            closing = connection;
            connection = null;
        } finally {
            lock.unlock();
        }
        firstConnect.complete(null);
        Teardown.consumersAndConnection(stopping, closing, deadline);
        context.deadLetters().close();
        // the connection closed under it, a Work still under way ends now; within the bound, it is waited for
        if (!workIdle && !reconnector.awaitIdle(deadline + TimeUnit.MILLISECONDS.toNanos(Teardown.SHUTDOWN_MARGIN_MILLIS))) {
            LOG.warning(() -> "Warren's connecting Work for " + description + " is still waiting for the broker "
                    + "after undeploy (at most connectionTimeoutMillis); it closes what it opens");
        }
        MBeans.unregister(mbean);
        LOG.info(() -> "Warren stopped consuming for " + description);
    }

    /** @return how many consumers run now */
    int consumerCount() {
        lock.lock();
        try {
            return (int) consumers.stream().filter(QueueConsumer::isOpen).count();
        } finally {
            lock.unlock();
        }
    }
}
