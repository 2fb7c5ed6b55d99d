package io.warren.container;

import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;
import jakarta.resource.spi.work.WorkRejectedException;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The container's thread pool, small: every Work runs on a thread named {@code container-work-N}. */
public final class TestWorkManager implements WorkManager {

    public static final String THREAD_PREFIX = "container-work-";

    private final AtomicInteger threads = new AtomicInteger();
    private final ThreadFactory threadFactory = work -> {
        Thread thread = new Thread(work, THREAD_PREFIX + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    };
    private final ExecutorService executor = Executors.newCachedThreadPool(threadFactory);
    private final AtomicInteger toRefuse = new AtomicInteger();
    /** How many Works were refused on purpose. */
    public final AtomicInteger refused = new AtomicInteger();

    private final AtomicInteger toFail = new AtomicInteger();
    /** How many Works it failed to schedule on purpose ({@link #failNext}). */
    public final AtomicInteger failed = new AtomicInteger();
    private final Set<Work> running = ConcurrentHashMap.newKeySet();

    /**
     * Calls release() on every Work running now, as a container taking its threads back does.
     *
     * @return the Works released, to wait for their end with {@link #isRunning}
     */
    public List<Work> releaseRunning() {
        List<Work> released = List.copyOf(running);
        released.forEach(Work::release);
        return released;
    }

    /** @return whether the Work was accepted and has not ended yet */
    public boolean isRunning(Work work) {
        return running.contains(work);
    }

    /** @return how many Works were accepted and have not ended yet */
    public int runningCount() {
        return running.size();
    }

    /** Throws an unchecked exception for the next {@code works} scheduled Works, as a container shutting down may. */
    public void failNext(int works) {
        toFail.set(works);
    }

    /** Refuses the next {@code works} scheduled Works, as a container whose thread pool is full does. */
    public void refuseNext(int works) {
        toRefuse.set(works);
    }

    @Override
    public void doWork(Work work) throws WorkException {
        work.run();
    }

    @Override
    public void doWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
            throws WorkException {
        work.run();
    }

    @Override
    public long startWork(Work work) throws WorkException {
        scheduleWork(work);
        return 0;
    }

    @Override
    public long startWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
            throws WorkException {
        scheduleWork(work);
        return 0;
    }

    @Override
    public void scheduleWork(Work work) throws WorkException {
        if (toFail.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            failed.incrementAndGet();
            throw new IllegalStateException("the test's WorkManager fails to schedule this Work");
        }
        if (toRefuse.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            refused.incrementAndGet();
            throw new WorkRejectedException("the test's WorkManager refuses this Work");
        }
        // from its acceptance, not from its start: a Work accepted and not yet started is under way too
        running.add(work);
        try {
            // as WildFly's does: release() is called on every Work when it ends
            executor.execute(() -> {
                try {
                    work.run();
                } finally {
                    running.remove(work);
                    work.release();
                }
            });
        } catch (RejectedExecutionException e) {
            running.remove(work);
            throw new WorkRejectedException(e);
        }
    }

    @Override
    public void scheduleWork(Work work, long startTimeout, ExecutionContext context, WorkListener listener)
            throws WorkException {
        scheduleWork(work);
    }

    /** Releases the works' threads, as a container does at undeploy. */
    public void shutdown() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
