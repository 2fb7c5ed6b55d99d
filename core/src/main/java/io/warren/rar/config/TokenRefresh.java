package io.warren.rar.config;

import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.CredentialsRefreshService;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Refreshes the OAuth 2 token of one connector before it expires and hands it to each live
 * connection ({@code update-secret}), so that a connection outlives its token. The amqp-client's
 * own service gives up after three failed attempts and logs each one; this one logs a failure once,
 * with the endpoint's answer, and keeps trying with a growing delay: the connections keep the token
 * they have while it is valid. Its thread ends when no connection is registered.
 */
final class TokenRefresh implements CredentialsRefreshService {

    private static final Logger LOG = Logger.getLogger(TokenRefresh.class.getName());
    private static final double BEFORE_EXPIRY = 0.8;
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
    private static final Duration APPROACHING = Duration.ofSeconds(1);

    private final TokenEndpoint endpoint;
    private final ScheduledThreadPoolExecutor scheduler;
    private final Map<String, Callable<Boolean>> connections = new ConcurrentHashMap<>();
    private ScheduledFuture<?> next;
    private int failures;

    TokenRefresh(TokenEndpoint endpoint, String name) {
        this.endpoint = endpoint;
        this.scheduler = new ScheduledThreadPoolExecutor(1, AdapterThreads.named("warren-oauth2-refresh " + name + " #"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setKeepAliveTime(1, TimeUnit.SECONDS);
        scheduler.allowCoreThreadTimeOut(true);
    }

    @Override
    public synchronized String register(CredentialsProvider provider, Callable<Boolean> updateSecret) {
        String id = UUID.randomUUID().toString();
        connections.put(id, updateSecret);
        if (next == null) {
            schedule(untilRefresh(endpoint.getTimeBeforeExpiration()));
        }
        return id;
    }

    @Override
    public synchronized void unregister(CredentialsProvider provider, String id) {
        connections.remove(id);
        if (connections.isEmpty() && next != null) {
            next.cancel(false);
            next = null;
        }
    }

    @Override
    public boolean isApproachingExpiration(Duration timeBeforeExpiration) {
        return timeBeforeExpiration.compareTo(APPROACHING) < 0;
    }

    private void schedule(Duration delay) {
        next = scheduler.schedule(this::refresh, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A token's {@code exp} counts whole seconds, so it may end up to a second before its
     * {@code expires_in} says: that second comes off the margin, which short-lived tokens would
     * otherwise lose (found with 5 s tokens, refused as expired right after a refresh).
     */
    private static Duration untilRefresh(Duration timeBeforeExpiration) {
        return timeBeforeExpiration == null ? LONGEST_RETRY
                : Duration.ofMillis(Math.max(100, (long) (timeBeforeExpiration.toMillis() * BEFORE_EXPIRY) - 1000));
    }

    private void refresh() {
        Duration delay;
        try {
            endpoint.refresh();
            if (failures > 0) {
                LOG.log(Level.INFO, "Obtained an OAuth 2 token from {0} again after {1} failed attempts",
                        new Object[] {endpoint.endpoint(), failures});
            }
            failures = 0;
            connections.forEach((id, updateSecret) -> update(id, updateSecret));
            delay = untilRefresh(endpoint.getTimeBeforeExpiration());
        } catch (RuntimeException e) {
            failures++;
            if (failures == 1) {
                LOG.warning("Cannot refresh the OAuth 2 token at " + endpoint.endpoint() + " (" + TokenEndpoint.reason(e)
                        + "); trying again with a growing delay up to " + LONGEST_RETRY.toSeconds()
                        + " s; the connections keep their token until it expires, then the broker closes them");
            }
            delay = FIRST_RETRY.multipliedBy(1L << Math.min(failures - 1, 10));
            if (delay.compareTo(LONGEST_RETRY) > 0) {
                delay = LONGEST_RETRY;
            }
        }
        synchronized (this) {
            if (!connections.isEmpty()) {
                schedule(delay);
            } else {
                next = null;
            }
        }
    }

    private void update(String id, Callable<Boolean> updateSecret) {
        try {
            if (!updateSecret.call()) {
                connections.remove(id);
            }
        } catch (Exception e) {
            // the connection is closing or closed: its shutdown listener unregisters it
            LOG.log(Level.FINE, "Could not hand the new token to a connection: " + e.getMessage(), e);
        }
    }
}
