package io.warren.rar.outbound;

import io.warren.rar.config.AdapterThreads;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The adapter's own threads for completing applications' confirm futures and timing them out: a
 * few named daemon threads, so that a user stage that blocks delays only Warren's confirms, not
 * the JDK's common pool (whose parallelism is 1 on a 2-core machine), and no confirm waits on
 * someone else's work. They are made on an application's thread but outlive it: see
 * {@link AdapterThreads}. Shut down when the adapter stops; work handed over after that runs on the
 * caller, so that no future is left incomplete.
 */
public final class Completions implements Executor, AutoCloseable {

    private final ScheduledThreadPoolExecutor threads;

    /** @param name prefix of the threads' names */
    public Completions(String name) {
        threads = new ScheduledThreadPoolExecutor(Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())),
                AdapterThreads.named(name + "-"));
        threads.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void execute(Runnable work) {
        try {
            threads.execute(work);
        } catch (RejectedExecutionException stopped) {
            work.run();
        }
    }

    /**
     * Runs the work on these threads after the delay; nothing at all once shut down.
     *
     * @return what cancels it (removed from the queue at once), or null once shut down
     */
    ScheduledFuture<?> schedule(Runnable work, long delayNanos) {
        try {
            return threads.schedule(work, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopped) {
            // shut down: the channels closed first and failed what they had pending
            return null;
        }
    }

    /** Lets the work already handed over finish; delayed timeouts are dropped. */
    @Override
    public void close() {
        threads.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        threads.shutdown();
    }
}
