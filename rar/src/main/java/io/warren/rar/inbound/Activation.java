package io.warren.rar.inbound;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.Queue;
import io.warren.WarrenException;
import io.warren.rar.config.BrokerConnector;
import io.warren.rar.config.ConnectionSettings;
import io.warren.rar.declarations.Declarer;
import io.warren.rar.serialization.Serializers;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One MDB's consumption: its own broker connection, the declarations, {@code concurrency}
 * consumers (all started or none), and the one reconnect loop, run as a WorkManager Work, that
 * brings them all back after the connection is lost.
 */
final class Activation {

    private static final Logger LOG = Logger.getLogger(Activation.class.getName());

    private final MessageEndpointFactory endpointFactory;
    private final WorkManager workManager;
    private final InboundSettings settings;
    private final BrokerConnector connector;
    private final Serializers serializers;
    private final Set<String> acceptedTypes;
    private final DeliveryAttempts attempts = new DeliveryAttempts();
    private final DeadLetters deadLetters;
    private final String description;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stoppedSignal = lock.newCondition();
    private final AtomicBoolean reconnecting = new AtomicBoolean();
    private volatile boolean stopped;
    private Connection connection;
    private List<QueueConsumer> consumers = List.of();

    Activation(MessageEndpointFactory endpointFactory, WorkManager workManager, InboundSettings settings,
               ConnectionSettings connectionSettings, Serializers serializers) {
        this.endpointFactory = endpointFactory;
        this.workManager = workManager;
        this.settings = settings;
        this.connector = new BrokerConnector(connectionSettings, null, null);
        this.serializers = serializers;
        this.acceptedTypes = acceptedTypes(settings, serializers);
        this.deadLetters = new DeadLetters(settings.deadLetterExchange(), settings.deadLetterRoutingKey());
        List<String> names = settings.queues().stream().map(Queue::name).toList();
        this.description = "the MDB " + endpointName(endpointFactory) + " on queue" + (names.size() > 1 ? "s " : " ")
                + String.join(", ", names.stream().map(name -> "'" + name + "'").toList());
    }

    private static String endpointName(MessageEndpointFactory factory) {
        try {
            String name = factory.getActivationName();
            return name == null ? "" : name;
        } catch (RuntimeException | AbstractMethodError e) {
            return "";
        }
    }

    private static Set<String> acceptedTypes(InboundSettings settings, Serializers serializers) {
        if (settings.accept().isEmpty()) {
            return serializers.contentTypes();
        }
        Set<String> types = new LinkedHashSet<>();
        for (String accepted : settings.accept()) {
            types.add(accepted.contains("/") ? Serializers.mediaType(accepted)
                    : serializers.get(accepted).contentType());
        }
        return Set.copyOf(types);
    }

    /**
     * Connects, declares and starts every consumer. A broker that cannot be reached is retried in
     * the background; a declaration the broker refuses fails the activation.
     */
    void start() throws ResourceException {
        try {
            String node = connect();
            LOG.info(() -> "Warren consumes for " + description + " at " + node + " with " + settings.concurrency()
                    + " consumer(s), prefetch " + settings.prefetch());
        } catch (WarrenException e) {
            throw new ResourceException("Cannot activate " + description + ": " + e.getMessage(), e);
        } catch (IOException | TimeoutException e) {
            LOG.warning(() -> "Cannot reach the broker at " + connector.describe() + " for " + description + " ("
                    + e.getMessage() + "); retrying every " + settings.reconnectInterval().toMillis() + " ms");
            reconnectInBackground();
        }
    }

    /** @return the broker node connected to, host:port */
    private String connect() throws IOException, TimeoutException {
        Connection opened = connector.open("inbound: " + description);
        List<QueueConsumer> started = new ArrayList<>();
        try {
            declare(opened);
            for (int i = 0; i < settings.concurrency(); i++) {
                QueueConsumer consumer = new QueueConsumer(this, opened.createChannel());
                started.add(consumer);
                consumer.start();
            }
        } catch (IOException | RuntimeException e) {
            started.forEach(QueueConsumer::close);
            closeQuietly(opened);
            throw e;
        }
        lock.lock();
        try {
            if (stopped) {
                started.forEach(QueueConsumer::close);
                closeQuietly(opened);
                return "nowhere (stopped meanwhile)";
            }
            connection = opened;
            consumers = List.copyOf(started);
        } finally {
            lock.unlock();
        }
        opened.addShutdownListener(this::connectionLost);
        return opened.getAddress().getHostAddress() + ":" + opened.getPort();
    }

    private void declare(Connection opened) throws IOException {
        try (Channel channel = opened.createChannel()) {
            Declarer declarer = new Declarer(channel);
            for (Queue queue : settings.queues()) {
                if (settings.declare()) {
                    declarer.declare(queue);
                } else {
                    declarer.checkExists(queue.name());
                }
            }
        } catch (TimeoutException e) {
            throw new IOException(e);
        } catch (ShutdownSignalException e) {
            // the declarer has explained the refusal; closing the refused channel fails harmlessly
            LOG.log(Level.FINE, "Declaration channel already closed", e);
        }
    }

    private void connectionLost(ShutdownSignalException cause) {
        if (stopped || cause.isInitiatedByApplication()) {
            return;
        }
        LOG.warning(() -> "Lost the broker connection of " + description + " (" + cause.getMessage()
                + "); reconnecting every " + settings.reconnectInterval().toMillis() + " ms. Deliveries in flight "
                + "cannot be acked and come back from the broker (at-least-once)");
        reconnectInBackground();
    }

    /** A consumer the broker cancelled (its queue deleted, say): start over to re-declare and consume again. */
    void consumerLost(QueueConsumer consumer) {
        if (!stopped) {
            reconnectInBackground();
        }
    }

    private void reconnectInBackground() {
        if (!reconnecting.compareAndSet(false, true)) {
            return;
        }
        try {
            workManager.scheduleWork(new Reconnect());
        } catch (WorkException e) {
            reconnecting.set(false);
            LOG.log(Level.SEVERE, "The WorkManager refused Warren's reconnect Work: " + description
                    + " stays disconnected until redeployed", e);
        }
    }

    /** Lets go of the consumers of a lost connection; their deliveries under way finish, unacked. */
    private void abandonConsumers() {
        List<QueueConsumer> abandoned;
        Connection lost;
        lock.lock();
        try {
            abandoned = consumers;
            lost = connection;
            consumers = List.of();
            connection = null;
        } finally {
            lock.unlock();
        }
        abandoned.forEach(QueueConsumer::cancel);
        abandoned.forEach(QueueConsumer::close);
        if (lost != null) {
            closeQuietly(lost);
        }
    }

    /** Retries at the configured interval until connected, stopped, or out of attempts. */
    private final class Reconnect implements Work {
        private volatile boolean released;

        @Override
        public void run() {
            int attempt = 0;
            try {
                abandonConsumers();
                while (!stopped && !released) {
                    attempt++;
                    if (!pause(settings.reconnectInterval().toMillis()) || released) {
                        return;
                    }
                    try {
                        String node = connect();
                        int attempts = attempt;
                        LOG.info(() -> "Reconnected " + description + " to " + node + " after " + attempts
                                + " attempt(s)");
                        return;
                    } catch (IOException | TimeoutException | RuntimeException e) {
                        LOG.log(Level.FINE, "Reconnect attempt {0} for {1} failed: {2}",
                                new Object[] {attempt, description, e.getMessage()});
                        if (settings.reconnectAttempts() >= 0 && attempt >= settings.reconnectAttempts()) {
                            LOG.severe("Gave up reconnecting " + description + " after " + attempt
                                    + " attempts (reconnectAttempts); redeploy the MDB to try again");
                            return;
                        }
                    }
                }
            } finally {
                reconnecting.set(false);
            }
        }

        /**
         * The container asks the Work to end (at shutdown; some containers call it after every
         * Work, too): stop retrying after the current pause, but never stop the activation,
         * which undeploy owns.
         */
        @Override
        public void release() {
            released = true;
        }
    }

    /** Waits, unless stopped first. @return whether still running */
    private boolean pause(long millis) {
        lock.lock();
        try {
            long left = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
            while (!stopped && left > 0) {
                left = stoppedSignal.awaitNanos(left);
            }
            return !stopped;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Holds back a retry for an MDB that is not available yet, so that its message does not spin. */
    void pauseBeforeRetry() {
        pause(Math.min(1_000, settings.reconnectInterval().toMillis()));
    }

    /**
     * Cancels the consumers, lets the deliveries under way finish within the shutdown timeout,
     * then closes the channels (the broker requeues whatever was prefetched but not delivered).
     */
    void stop() {
        List<QueueConsumer> stopping;
        Connection closing;
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            stoppedSignal.signalAll();
            stopping = consumers;
            closing = connection;
            consumers = List.of();
            connection = null;
        } finally {
            lock.unlock();
        }
        stopping.forEach(QueueConsumer::cancel);
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        for (QueueConsumer consumer : stopping) {
            try {
                if (!consumer.awaitIdle(deadline)) {
                    LOG.warning(() -> "A delivery of " + description + " was still running after "
                            + settings.shutdownTimeout().toMillis() + " ms (shutdownTimeoutMillis); its message "
                            + "is requeued and may be delivered again");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopping.forEach(QueueConsumer::close);
        if (closing != null) {
            closeQuietly(closing);
        }
        LOG.info(() -> "Warren stopped consuming for " + description);
    }

    private static void closeQuietly(Connection opened) {
        try {
            if (opened.isOpen()) {
                opened.close();
            }
        } catch (IOException | ShutdownSignalException e) {
            LOG.log(Level.FINE, "Closing an inbound connection failed; it is gone either way", e);
        }
    }

    /** @return how many consumers run now (0 while reconnecting) */
    int consumerCount() {
        return (int) consumers.stream().filter(QueueConsumer::isOpen).count();
    }

    InboundSettings settings() {
        return settings;
    }

    WorkManager workManager() {
        return workManager;
    }

    MessageEndpointFactory endpointFactory() {
        return endpointFactory;
    }

    Serializers serializers() {
        return serializers;
    }

    Set<String> acceptedTypes() {
        return acceptedTypes;
    }

    DeliveryAttempts attempts() {
        return attempts;
    }

    DeadLetters deadLetters() {
        return deadLetters;
    }

    String describe() {
        return description;
    }
}
