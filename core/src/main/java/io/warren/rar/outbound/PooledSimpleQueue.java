package io.warren.rar.outbound;

import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.SimpleQueue;
import io.warren.WarrenException;
import io.warren.rar.serialization.Serializers;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * kombu's SimpleQueue over pooled channels. A blocking get polls with basic.get rather than
 * consuming: a consumer would hold a pooled channel for the whole wait, and a message the broker
 * pushed as the wait ended would have to be requeued (redelivered, out of order); a poll holds a
 * channel for one round trip, and only a message it got keeps its channel, until settled. The
 * cost is latency, at most the longest pause between polls, and one basic.get per pause.
 */
final class PooledSimpleQueue implements SimpleQueue {

    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long LONGEST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final WarrenConnectionFactory factory;
    private final String name;
    private final Producer producer;
    /** The handles of messages got and not settled: their channels are the only ones that can settle them. */
    private final Set<ConnectionHandle> holding = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    PooledSimpleQueue(WarrenConnectionFactory factory, String name, Serializers serializers) {
        this.factory = factory;
        this.name = name;
        this.producer = new PooledProducer(factory, Producer.to("").routingKey(name)
                .confirms(Producer.DEFAULT_CONFIRM_TIMEOUT).build(), serializers, new ProducerDeclarations());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void put(Object payload) {
        put(OutgoingMessage.of(payload).build());
    }

    @Override
    public void put(OutgoingMessage message) {
        checkOpen();
        if (message.routingKey() != null && !message.routingKey().equals(name)) {
            throw new IllegalArgumentException("SimpleQueue '" + name + "' puts messages into its own queue; this one's "
                    + "routing key '" + message.routingKey() + "' would send it elsewhere: leave it unset, or use a Producer");
        }
        producer.publish(message);
    }

    @Override
    public Optional<Message> get() {
        checkOpen();
        return poll();
    }

    @Override
    public Optional<Message> get(Duration timeout) {
        checkOpen();
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("The timeout of a SimpleQueue get must be zero or more, not " + timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = FIRST_PAUSE_NANOS;
        while (true) {
            Optional<Message> message = poll();
            long left = deadline - System.nanoTime();
            if (message.isPresent() || left <= 0) {
                return message;
            }
            LockSupport.parkNanos(Math.min(pause, left));
            if (Thread.currentThread().isInterrupted()) {
                return Optional.empty();
            }
            pause = Math.min(pause * 2, LONGEST_PAUSE_NANOS);
        }
    }

    /** One basic.get; the handle goes back to the pool at once unless a message holds it. */
    private Optional<Message> poll() {
        ConnectionHandle handle = factory.handle();
        Optional<Message> fetched;
        try {
            fetched = handle.fetch(name);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
        if (fetched.isEmpty()) {
            handle.close();
            return fetched;
        }
        holding.add(handle);
        if (closed) {
            // closed while this poll ran: close() may have missed the handle, so requeue here
            release(handle);
            return Optional.empty();
        }
        return Optional.of(new SimpleQueueMessage(fetched.get(), () -> release(handle)));
    }

    private void release(ConnectionHandle handle) {
        if (holding.remove(handle)) {
            handle.close();
        }
    }

    @Override
    public long qsize() {
        checkOpen();
        try (ConnectionHandle handle = factory.handle()) {
            return handle.messageCount(name);
        }
    }

    @Override
    public long clear() {
        checkOpen();
        try (ConnectionHandle handle = factory.handle()) {
            return handle.purge(name);
        }
    }

    /** Closing a handle that holds an unsettled message requeues it before its channel serves anyone else. */
    @Override
    public void close() {
        closed = true;
        holding.forEach(this::release);
    }

    private void checkOpen() {
        if (closed) {
            throw new WarrenException("SimpleQueue '" + name + "' is closed; get a new one from the ConnectionFactory");
        }
    }

    @Override
    public String toString() {
        return "SimpleQueue[" + name + (closed ? ", closed" : "") + "]";
    }
}
