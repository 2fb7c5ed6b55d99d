package io.warren.rar.outbound;

import io.warren.rar.config.AddressRotation;
import io.warren.rar.config.BrokerConnector;
import io.warren.rar.config.ConnectionSettings;
import io.warren.rar.metrics.FactoryMetrics;
import io.warren.rar.metrics.Nodes;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One AMQP connection per set of credentials, shared by a factory's managed connections (each of
 * which owns a channel on it). A connection that closed is replaced when next asked for, so that
 * the container's pool recovers by discarding broken managed connections and making new ones.
 *
 * <p>During an outage only one request per {@code connectRetryMillis} tries to connect: the others
 * fail at once with the outage's start and last cause, rather than each waiting a connection timeout
 * in turn behind this object's lock.
 */
final class SharedConnections {

    private static final Logger LOG = Logger.getLogger(SharedConnections.class.getName());

    private final ConnectionSettings settings;
    private final AddressRotation rotation;
    private final FactoryMetrics metrics;
    /** Concurrent, as monitoring reads it without waiting for a connection attempt under way. */
    private final Map<Credentials, BrokerConnector.Opened> open = new ConcurrentHashMap<>();
    private final Map<Credentials, Outage> outages = new HashMap<>();

    /** The broker could not be reached since {@code since}; the next attempt is due at {@code retryAt}. */
    private record Outage(Instant since, Exception lastCause, long retryAt) {
    }

    SharedConnections(ConnectionSettings settings, AddressRotation rotation, FactoryMetrics metrics) {
        this.settings = settings;
        this.rotation = rotation;
        this.metrics = metrics;
    }

    synchronized BrokerConnector.Opened get(Credentials credentials) throws IOException, TimeoutException {
        BrokerConnector.Opened connection = open.get(credentials);
        if (connection != null && connection.connection().isOpen()) {
            return connection;
        }
        Outage outage = outages.get(credentials);
        if (outage != null && System.nanoTime() - outage.retryAt() < 0) {
            throw new IOException("the broker has been unreachable since " + outage.since() + " (last cause: "
                    + describe(outage.lastCause()) + "); the next attempt is due in "
                    + Math.max(1, (outage.retryAt() - System.nanoTime()) / 1_000_000) + " ms (connectRetryMillis)",
                    outage.lastCause());
        }
        BrokerConnector connector = new BrokerConnector(settings, credentials.user(), credentials.passwordText(), rotation);
        connector.collectMetrics(metrics);
        try {
            connection = connector.openWatched("outbound");
        } catch (IOException | TimeoutException | RuntimeException e) {
            Instant since = outage != null ? outage.since() : Instant.now();
            outages.put(credentials, new Outage(since, e, System.nanoTime() + settings.connectRetry().toNanos()));
            if (outage == null) {
                LOG.log(Level.WARNING, "Cannot connect to {0}: {1}; outbound requests fail at once for {2} ms "
                        + "between attempts", new Object[] {connector.describe(), describe(e),
                        settings.connectRetry().toMillis()});
            }
            throw e;
        }
        if (outages.remove(credentials) != null) {
            LOG.log(Level.INFO, "Connected to {0} again", connector.describe());
        }
        open.put(credentials, connection);
        return connection;
    }

    /**
     * Connects again, for each set of credentials used so far (the factory's own if none), where
     * the connection was lost; within an outage at most once per {@code connectRetryMillis}.
     */
    synchronized void reconnect() throws IOException, TimeoutException {
        Set<Credentials> used = new HashSet<>(open.keySet());
        used.addAll(outages.keySet());
        if (used.isEmpty()) {
            used.add(Credentials.CONFIGURED);
        }
        for (Credentials credentials : used) {
            get(credentials);
        }
    }

    /** @return whether the broker blocks publishing on one of the open connections */
    boolean blocked() {
        return open.values().stream().anyMatch(opened -> opened.connection().isOpen() && opened.flowControl().blocked());
    }

    /** @return the broker node of an open connection, or null when none is open */
    String node() {
        return open.values().stream().filter(opened -> opened.connection().isOpen()).findFirst()
                .map(opened -> Nodes.of(opened.connection())).orElse(null);
    }

    static String describe(Exception e) {
        Throwable cause = e.getMessage() == null && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    synchronized void closeAll() {
        for (BrokerConnector.Opened opened : open.values()) {
            try {
                if (opened.flowControl().blocked()) {
                    // the broker reads nothing on it until its alarm clears: no close-ok can come, and
                    // dropping the socket rolls back what is open on it just as a close would
                    opened.connection().abort(1);
                } else if (opened.connection().isOpen()) {
                    // bounded: a broker that stopped answering would never answer a plain close
                    opened.connection().close(settings.channelRpcTimeoutMillis());
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "Closing an outbound broker connection failed", e);
            }
        }
        open.clear();
        outages.clear();
    }
}
