package io.warren.test;

import io.warren.Message;
import io.warren.MessageListener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An MDB deployed by the kit: what its beans received, and a way to wait for it. Closing it
 * undeploys the MDB as the server would: in-flight deliveries finish, their acks go out, and
 * whatever was not acked goes back to the queue.
 *
 * @param <T> the MDB class, a {@link MessageListener} or a {@link io.warren.ReplyingListener}
 */
public final class Mdb<T> implements AutoCloseable {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition delivered = lock.newCondition();
    private final List<T> beans = new ArrayList<>();
    private final List<Message> succeeded = new ArrayList<>();
    private final List<Message> failed = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final Duration timeout;
    private Runnable undeploy = () -> { };
    private boolean undeployed;

    Mdb(Duration timeout) {
        this.timeout = timeout;
    }

    void undeployWith(Runnable undeploy) {
        this.undeploy = undeploy;
    }

    T created(T bean) {
        lock.lock();
        try {
            beans.add(bean);
        } finally {
            lock.unlock();
        }
        return bean;
    }

    void succeeded(Message message) {
        record(succeeded, message, null);
    }

    void failed(Message message, Throwable failure) {
        record(failed, message, failure);
    }

    private void record(List<Message> into, Message message, Throwable failure) {
        lock.lock();
        try {
            into.add(message);
            if (failure != null) {
                failures.add(failure);
            }
            delivered.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the beans' {@code onMessage} has run that many times in all, returned or thrown.
     *
     * @throws AssertionError when it has not within the kit's timeout
     */
    public Mdb<T> awaitDeliveries(int count) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (succeeded.size() + failed.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " deliveries within " + timeout + ", got "
                            + succeeded.size() + " that succeeded and " + failed.size() + " that failed " + failures);
                }
                delivered.await(left, TimeUnit.NANOSECONDS);
            }
            return this;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for deliveries", e);
        } finally {
            lock.unlock();
        }
    }

    /** @return the messages whose {@code onMessage} returned normally, in the order they did */
    public List<Message> succeeded() {
        return copy(succeeded);
    }

    /** @return the messages whose {@code onMessage} threw, one entry per delivery */
    public List<Message> failed() {
        return copy(failed);
    }

    /** @return what {@code onMessage} threw, one per failed delivery */
    public List<Throwable> failures() {
        return copy(failures);
    }

    /** @return the bean instances the kit created (one per consumer, from the supplier given to deploy) */
    public List<T> beans() {
        return copy(beans);
    }

    private <E> List<E> copy(List<E> list) {
        lock.lock();
        try {
            return List.copyOf(list);
        } finally {
            lock.unlock();
        }
    }

    /** Undeploys the MDB; idempotent. */
    @Override
    public void close() {
        boolean first;
        lock.lock();
        try {
            first = !undeployed;
            undeployed = true;
        } finally {
            lock.unlock();
        }
        if (first) {
            undeploy.run();
        }
    }
}
