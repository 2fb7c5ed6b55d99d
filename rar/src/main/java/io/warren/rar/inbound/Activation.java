package io.warren.rar.inbound;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.DeclarationException;
import io.warren.Queue;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
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
    /** While the broker cannot be reached, a warning at most this often; the failures between log at FINE. */
    static final long FAILURE_WARNING_EVERY_MILLIS = 60_000;

    private final MessageEndpointFactory endpointFactory;
    private final WorkManager workManager;
    private final Later later;
    private final InboundSettings settings;
    private final ConnectionSettings connectionSettings;
    private final BrokerConnector connector;
    private final Serializers serializers;
    private final Set<String> acceptedTypes;
    private final DeliveryAttempts attempts = new DeliveryAttempts();
    private final DeadLetters deadLetters;
    private final String description;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicBoolean convergeRequested = new AtomicBoolean();
    private final CompletableFuture<Void> firstConnect = new CompletableFuture<>();
    private boolean converging;
    private volatile boolean stopped;
    private Connection connection;
    private final List<QueueConsumer> consumers = new ArrayList<>();
    private final List<QueueConsumer> lost = new ArrayList<>();
    private long lastConvergedNanos;
    private int refusedConverges;

    /** Runs a task after a wait, on a timer of the container's. */
    interface Later {
        void run(long delayMillis, Runnable task);
    }

    Activation(MessageEndpointFactory endpointFactory, WorkManager workManager, Later later, InboundSettings settings,
               ConnectionSettings connectionSettings, Serializers serializers) {
        this.endpointFactory = endpointFactory;
        this.workManager = workManager;
        this.later = later;
        this.settings = settings;
        this.connectionSettings = connectionSettings;
        this.connector = new BrokerConnector(connectionSettings, null, null);
        this.serializers = serializers;
        this.acceptedTypes = acceptedTypes(settings, serializers);
        List<String> names = settings.queues().stream().map(Queue::name).toList();
        this.description = "the MDB " + endpointName(endpointFactory) + " on queue" + (names.size() > 1 ? "s " : " ")
                + String.join(", ", names.stream().map(name -> "'" + name + "'").toList());
        this.deadLetters = new DeadLetters(settings.deadLetterExchange(), settings.deadLetterRoutingKey(), connector,
                "dead letters: " + description);
    }

    /** @return the bean class where the container says it, as users know their MDB by it; else the activation's name */
    private static String endpointName(MessageEndpointFactory factory) {
        try {
            Class<?> bean = factory.getEndpointClass();
            if (bean != null && !bean.getName().startsWith("io.warren.")) {
                return bean.getName();
            }
        } catch (RuntimeException | AbstractMethodError e) {
            // a container older than JCA 1.7: fall back to the activation name
        }
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
     * Asks for the first connection, declarations and consumers on a container thread and waits up
     * to {@value #FIRST_CONNECT_WAIT_MILLIS} ms for them. A declaration the broker refuses fails the
     * activation; a broker that cannot be reached, or is slow to answer, is retried in the background.
     */
    void start() throws ResourceException {
        requestConverge();
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

    /** Brings back what is missing, on a container thread: one such Work at a time. */
    private void requestConverge() {
        convergeRequested.set(true);
        lock.lock();
        try {
            if (stopped || converging) {
                return;
            }
            converging = true;
        } finally {
            lock.unlock();
        }
        try {
            workManager.scheduleWork(new Converge());
            refusedConverges = 0;
        } catch (WorkException e) {
            endConverging();
            long wait = settings.reconnectBackoff().millis(++refusedConverges);
            LOG.log(refusedConverges == 1 ? Level.WARNING : Level.FINE, "The WorkManager refused Warren''s "
                    + "reconnect Work for {0} ({1}); asking again in {2} ms", new Object[] {description, e, wait});
            later.run(wait, this::requestConverge);
        }
    }

    private void endConverging() {
        lock.lock();
        try {
            converging = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private final class Converge implements Work {
        private volatile boolean released;

        @Override
        public void run() {
            try {
                while (!stopped && !released && convergeRequested.getAndSet(false)) {
                    convergeWithRetries(this);
                }
            } finally {
                endConverging();
                if (!stopped && convergeRequested.get()) {
                    requestConverge(); // asked again while this one ended, or the container took its thread back
                }
            }
        }

        /** The container wants its thread back (at shutdown; WildFly after every Work): end after this attempt. */
        @Override
        public void release() {
            released = true;
        }
    }

    private void convergeWithRetries(Converge work) {
        if (System.nanoTime() - lastConvergedNanos < settings.reconnectBackoff().first().toNanos()
                && !pause(settings.reconnectBackoff().first().toMillis())) {
            return; // lost again right after coming back: no tight loop of losses and replacements
        }
        long firstFailure = 0;
        long lastWarning = 0;
        int failures = 0;
        while (!stopped && !work.released) {
            try {
                convergeOnce(failures);
                return;
            } catch (DeclarationException e) {
                if (firstConnect.completeExceptionally(e)) {
                    return; // the deployment fails with it
                }
                failures++;
                LOG.severe(() -> "The broker refuses a declaration of " + description + ": " + e.getMessage()
                        + " Warren retries with a growing wait until it is put right");
            } catch (IOException | TimeoutException | RuntimeException e) {
                firstConnect.complete(null);
                failures++;
                long now = System.nanoTime();
                long wait = settings.reconnectBackoff().millis(failures);
                if (failures == 1) {
                    firstFailure = now;
                    lastWarning = now;
                    LOG.warning("Cannot connect " + description + " to the broker at " + connector.describe()
                            + " as user '" + connectionSettings.user() + "': " + describe(e) + ". Retrying in " + wait
                            + " ms, the wait doubling up to " + settings.reconnectBackoff().max().toMillis() + " ms");
                } else if (now - lastWarning >= TimeUnit.MILLISECONDS.toNanos(FAILURE_WARNING_EVERY_MILLIS)) {
                    lastWarning = now;
                    LOG.warning("Still cannot connect " + description + " to the broker at " + connector.describe()
                            + " as user '" + connectionSettings.user() + "' after " + failures + " attempts in "
                            + TimeUnit.NANOSECONDS.toSeconds(now - firstFailure) + " s: " + describe(e)
                            + ". Next attempt in " + wait + " ms");
                } else {
                    LOG.log(Level.FINE, "Attempt {0} to connect {1} failed: {2}",
                            new Object[] {failures, description, describe(e)});
                }
                if (settings.reconnectAttempts() >= 0 && failures >= settings.reconnectAttempts()) {
                    LOG.severe("Gave up connecting " + description + " after " + failures
                            + " attempts (reconnectAttempts); redeploy the MDB to try again");
                    return;
                }
            }
            if (!pause(settings.reconnectBackoff().millis(failures))) {
                return;
            }
        }
    }

    private String describe(Exception e) {
        if (e instanceof AuthenticationFailureException
                || e instanceof PossibleAuthenticationFailureException) {
            return "the broker refused the login (ACCESS_REFUSED: a wrong password, an unknown user, or no access to "
                    + "virtual host '" + connectionSettings.virtualHost() + "'; check user and password)";
        }
        return e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /**
     * One round: a connection if there is none, the declarations, and a new consumer for each missing one.
     *
     * @param failuresBefore attempts that failed before this one, to say so once it succeeds
     * @return the node connected to, host:port, or null when stopped meanwhile
     */
    private String convergeOnce(int failuresBefore) throws IOException, TimeoutException {
        List<QueueConsumer> retired;
        Connection current;
        lock.lock();
        try {
            if (stopped) {
                return null;
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
            try {
                declare(current);
            } catch (IOException | RuntimeException e) {
                closeQuietly(current);
                throw e;
            }
            lock.lock();
            try {
                if (stopped) {
                    closeQuietly(current);
                    return null;
                }
                connection = current;
            } finally {
                lock.unlock();
            }
            // on a connection already closed, the listener is called at once
            current.addShutdownListener(this::connectionLost);
        } else if (!retired.isEmpty()) {
            declare(current); // a cancelled consumer's queue may have been deleted: it comes back
        }
        int started = startMissingConsumers(current);
        lastConvergedNanos = System.nanoTime();
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
        return node;
    }

    /** @return how many consumers it started */
    private int startMissingConsumers(Connection current) throws IOException {
        int started = 0;
        while (true) {
            QueueConsumer consumer;
            lock.lock();
            try {
                if (stopped || consumers.size() >= settings.concurrency()) {
                    return started;
                }
                consumer = new QueueConsumer(this, current.createChannel());
                consumers.add(consumer);
            } finally {
                lock.unlock();
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
        if (settings.deadLetterExchange() != null) {
            checkDeadLetterExchange(opened);
        }
    }

    /** A dead letter sent to an exchange that does not exist would close its channel and stay undelivered. */
    private void checkDeadLetterExchange(Connection opened) throws IOException {
        String name = settings.deadLetterExchange();
        try (Channel channel = opened.createChannel()) {
            channel.exchangeDeclarePassive(name);
        } catch (TimeoutException e) {
            throw new IOException(e);
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException signal && !signal.isHardError()) {
                throw new DeclarationException("deadLetterExchange: the broker has no exchange '" + name
                        + "' on virtual host '" + connectionSettings.virtualHost() + "' (" + signal.getMessage()
                        + "). Declare it and bind a queue to it, or leave deadLetterExchange unset to park dead "
                        + "letters in the queue '<queue>.dead-letters'.", "exchange '" + name + "'", null, e);
            }
            throw e;
        } catch (ShutdownSignalException e) {
            LOG.log(Level.FINE, "Exchange check channel already closed", e);
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
        requestConverge();
    }

    /**
     * The broker closed a consumer's channel, or cancelled its consumer, and the connection lives:
     * the consumer is retired, and a new one takes its place. Called on the client's threads, so
     * the retiring, which talks to the broker, is left to the Work.
     */
    void consumerLost(QueueConsumer consumer, String reason) {
        lock.lock();
        try {
            if (stopped || !consumers.remove(consumer)) {
                return;
            }
            lost.add(consumer);
        } finally {
            lock.unlock();
        }
        LOG.warning(() -> "A consumer of " + description + " stopped: " + reason + ". A new consumer replaces it; "
                + "its deliveries not yet acked come back from the broker");
        requestConverge();
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
            closeQuietly(gone);
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

    /** Holds back a consumer whose deliveries cannot go anywhere now (the MDB not ready, no dead-letter target). */
    void pauseBeforeRetry() {
        pause(Math.min(1_000, settings.reconnectBackoff().first().toMillis()));
    }

    /** Runs the task after the wait on the container's timer; at once when stopped, since it must still end. */
    void later(long delayMillis, Runnable task) {
        if (stopped) {
            task.run();
        } else {
            later.run(delayMillis, task);
        }
    }

    /**
     * Waits for a reconnect under way to end, cancels the consumers, lets the deliveries under way
     * finish within the shutdown timeout, then closes the channels (the broker requeues whatever
     * was prefetched but not delivered) and the connections.
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
            while (converging) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warning(() -> "Warren's connecting Work for " + description + " is still waiting for the "
                            + "broker at undeploy; it closes what it opens");
                    break;
                }
                changed.awaitNanos(left);
            }
            stopping.addAll(consumers);
            stopping.addAll(lost);
            consumers.clear();
            lost.clear();
            closing = connection;
            connection = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = connection;
        } finally {
            lock.unlock();
        }
        firstConnect.complete(null);
        stopping.forEach(QueueConsumer::cancel);
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
        deadLetters.close();
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

    /** @return how many consumers run now */
    int consumerCount() {
        lock.lock();
        try {
            return (int) consumers.stream().filter(QueueConsumer::isOpen).count();
        } finally {
            lock.unlock();
        }
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
