package io.warren.rar.inbound;

/** Runs a task after a wait, on a timer of the container's. */
interface Later {
    void run(long delayMillis, Runnable task);
}
