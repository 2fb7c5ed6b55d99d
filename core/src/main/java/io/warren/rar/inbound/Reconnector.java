package io.warren.rar.inbound;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import io.warren.DeclarationException;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When and how often an activation tries to bring back what it lost, and what it says meanwhile:
 * one Work at a time on the container's WorkManager; the first attempt at once, then waits that
 * double from {@code reconnectIntervalMillis} up to {@code maxReconnectIntervalMillis}; one
 * warning on the first failure, naming broker, virtual host, user and cause (never the password),
 * then one a minute with the attempt count, and an INFO when back (logged by the target).
 */
final class Reconnector {

    private static final Logger LOG = Logger.getLogger(Reconnector.class.getName());
    /** While the broker cannot be reached, a warning at most this often; the failures between log at FINE. */
    static final long FAILURE_WARNING_EVERY_MILLIS = 60_000;

    /** What is brought back. */
    interface Target {
        /**
         * One attempt: connect if need be, declare, start the missing consumers.
         *
         * @param failuresBefore attempts that failed before this one, to say so once it succeeds
         */
        void converge(int failuresBefore) throws IOException, TimeoutException;

        boolean isStopped();

        /** Waits, unless stopped first. @return whether still running */
        boolean pause(long millis);

        /** @return whether the activation fails with this refusal (it is still deploying), so no retry */
        boolean failsDeployment(DeclarationException refusal);

        /** The broker could not be reached on the first attempt: the deployment need not wait for it. */
        void firstAttemptFailed();
    }

    private final Target target;
    private final WorkManager workManager;
    private final Later later;
    private final InboundSettings settings;
    private final String description;
    private final String where;
    private final String virtualHost;
    private final AtomicBoolean requested = new AtomicBoolean();
    private boolean running;
    private int refusedWorks;
    /** When the last attempt succeeded; long ago at first (nanoTime may be negative, so not 0). */
    private volatile long lastSuccessNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

    /**
     * @param where the broker as the log names it: addresses, virtual host and user, no password
     */
    Reconnector(Target target, WorkManager workManager, Later later, InboundSettings settings,
                String description, String where, String virtualHost) {
        this.target = target;
        this.workManager = workManager;
        this.later = later;
        this.settings = settings;
        this.description = description;
        this.where = where;
        this.virtualHost = virtualHost;
    }

    /** Asks for an attempt: the Work running takes it, or a new one is scheduled. */
    void request() {
        requested.set(true);
        synchronized (this) {
            if (target.isStopped() || running) {
                return;
            }
            running = true;
        }
        try {
            workManager.scheduleWork(new Attempts());
            refusedWorks = 0;
        } catch (WorkException | RuntimeException e) {
            // a container that throws instead of refusing (one shutting down may) is asked again the
            // same way: otherwise no Work ever ends this one's turn and the activation stays down for good
            ended();
            long wait = settings.reconnectBackoff().millis(++refusedWorks);
            LOG.log(refusedWorks == 1 ? Level.WARNING : Level.FINE, "The WorkManager refused Warren''s reconnect Work "
                    + "for {0} ({1}); asking again in {2} ms", new Object[] {description, e, wait});
            later.run(wait, this::request);
        }
    }

    private synchronized void ended() {
        running = false;
        notifyAll();
    }

    /** Waits until no attempt is under way. @return whether none is, in time (false when interrupted) */
    synchronized boolean awaitIdle(long deadlineNanos) {
        try {
            while (running) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private final class Attempts implements Work {
        private volatile boolean released;

        @Override
        public void run() {
            try {
                while (!target.isStopped() && !released && requested.getAndSet(false)) {
                    attemptUntilDone(this);
                }
            } finally {
                ended();
                if (!target.isStopped() && requested.get()) {
                    request(); // asked again while this one ended, or the container took its thread back
                }
            }
        }

        /** The container wants its thread back (at shutdown; WildFly after every Work): end after this attempt. */
        @Override
        public void release() {
            released = true;
        }
    }

    private void attemptUntilDone(Attempts work) {
        long first = settings.reconnectBackoff().first().toMillis();
        if (System.nanoTime() - lastSuccessNanos < TimeUnit.MILLISECONDS.toNanos(first) && !target.pause(first)) {
            return; // lost again right after coming back: no tight loop of losses and replacements
        }
        boolean connectFailed = false;
        long firstFailure = 0;
        long lastWarning = 0;
        int failures = 0;
        while (!target.isStopped()) {
            if (work.released) {
                // not done: the Work that takes the container's thread back must leave the attempts
                // asked for, or no one makes them and the activation stays down for good
                requested.set(true);
                return;
            }
            try {
                target.converge(failures);
                lastSuccessNanos = System.nanoTime();
                return;
            } catch (DeclarationException e) {
                if (target.failsDeployment(e) || target.isStopped()) {
                    return;
                }
                failures++;
                LOG.severe(() -> "The broker refuses a declaration of " + description + ": " + e.getMessage()
                        + " Warren retries with a growing wait until it is put right");
            } catch (IOException | TimeoutException | RuntimeException e) {
                if (target.isStopped()) {
                    return; // the undeploy closed the connection under this attempt: no failure to report
                }
                target.firstAttemptFailed();
                failures++;
                long now = System.nanoTime();
                long wait = settings.reconnectBackoff().millis(failures);
                // a refused declaration may have counted as the first failure: the time is the first
                // failure to connect's, or the warning would give the age of the JVM's clock origin
                if (!connectFailed) {
                    connectFailed = true;
                    firstFailure = now;
                    lastWarning = now;
                    LOG.warning("Cannot connect " + description + " to the broker at " + where + ": " + explain(e)
                            + ". Retrying in " + wait + " ms, the wait doubling up to "
                            + settings.reconnectBackoff().max().toMillis() + " ms");
                } else if (now - lastWarning >= TimeUnit.MILLISECONDS.toNanos(FAILURE_WARNING_EVERY_MILLIS)) {
                    lastWarning = now;
                    LOG.warning("Still cannot connect " + description + " to the broker at " + where + " after "
                            + failures + " attempts in " + TimeUnit.NANOSECONDS.toSeconds(now - firstFailure) + " s: "
                            + explain(e) + ". Next attempt in " + wait + " ms");
                } else {
                    LOG.log(Level.FINE, "Attempt {0} to connect {1} failed: {2}",
                            new Object[] {failures, description, explain(e)});
                }
                if (settings.reconnectAttempts() >= 0 && failures >= settings.reconnectAttempts()) {
                    LOG.severe("Gave up connecting " + description + " after " + failures
                            + " attempts (reconnectAttempts); redeploy the MDB to try again");
                    return;
                }
            }
            if (!target.pause(settings.reconnectBackoff().millis(failures))) {
                return;
            }
        }
    }

    private String explain(Exception e) {
        if (e instanceof AuthenticationFailureException || e instanceof PossibleAuthenticationFailureException) {
            return "the broker refused the login (ACCESS_REFUSED: a wrong password, an unknown user, or no access to "
                    + "virtual host '" + virtualHost + "'; check user and password)";
        }
        return e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
