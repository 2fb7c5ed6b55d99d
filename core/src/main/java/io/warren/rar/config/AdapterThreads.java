package io.warren.rar.config;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The only way Warren makes a thread that outlives the call that made it. Such a thread is made
 * lazily, on whichever thread first needs it: in a server, an application's, which would hand the
 * new thread its context class loader, its inheritable thread locals and (in the inherited access
 * control context) the protection domains of the application's code on the stack, each holding
 * the application's class loader. The adapter's threads outlive the application, so every one of
 * them would keep an undeployed application's classes from being collected. Threads made here
 * carry the adapter's class loader and nothing of their maker's.
 */
public final class AdapterThreads {

    private static final ClassLoader ADAPTER = AdapterThreads.class.getClassLoader();

    private AdapterThreads() {
    }

    /** @return a factory of daemon threads named {@code prefix} and a count from 1 */
    public static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> newThread(runnable, prefix + count.incrementAndGet());
    }

    // privileged: the stack of whoever asked for the thread stays out of its inherited access control context
    @SuppressWarnings("removal")
    private static Thread newThread(Runnable runnable, String name) {
        return AccessController.doPrivileged((PrivilegedAction<Thread>) () -> {
            Thread thread = new Thread(null, runnable, name, 0, false);
            thread.setContextClassLoader(ADAPTER);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs what makes threads Warren cannot make itself (a {@link java.util.Timer}, the container's
     * or its own) as the adapter: the adapter's context class loader, the caller's stack cut off.
     * Inheritable thread locals still pass to such threads: only the thread's constructor can refuse them.
     */
    @SuppressWarnings("removal")
    public static <T> T asAdapter(Supplier<T> work) {
        return AccessController.doPrivileged((PrivilegedAction<T>) () -> {
            Thread current = Thread.currentThread();
            ClassLoader before = current.getContextClassLoader();
            current.setContextClassLoader(ADAPTER);
            try {
                return work.get();
            } finally {
                current.setContextClassLoader(before);
            }
        });
    }
}
