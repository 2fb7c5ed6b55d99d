package io.warren.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The benchmark's own chores on the broker, on a connection of its own: declare, fill, purge,
 * delete, and the end of every publishing run.
 */
final class Admin implements AutoCloseable {

    private final Connection connection;

    /** On a connection of its own, so that its calls never queue behind a contender's publishes. */
    Admin() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setAutomaticRecoveryEnabled(false);
        this.connection = factory.newConnection("bench-admin");
    }

    String brokerVersion() {
        return String.valueOf(connection.getServerProperties().get("version"));
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }

    /**
     * Waits (at most {@value Bench#ARRIVAL_BOUND_SECONDS} s) until the queue holds every message sent,
     * polling its message count (queue.declare-ok) every half millisecond, and gives the rate
     * from the first publish to then: messages the broker received, not calls that returned.
     */
    double awaitArrivals(String queue, Meter.Sent sent) throws Exception {
        long returned = System.nanoTime();
        long deadline = returned + TimeUnit.SECONDS.toNanos(Bench.ARRIVAL_BOUND_SECONDS);
        try (Channel channel = connection.createChannel()) {
            while (true) {
                long held = channel.queueDeclarePassive(queue).getMessageCount();
                long now = System.nanoTime();
                if (held >= sent.messages()) {
                    if (held > sent.messages()) {
                        throw new IllegalStateException(queue + " holds " + held + " messages, more than the "
                                + sent.messages() + " sent: it was not empty at the start");
                    }
                    // the old count, for comparison in the log: calls that returned, over the time until they had
                    Bench.log(String.format("  %d messages; %.0f msg/s as calls returned, %.0f msg/s as the queue received "
                            + "them (%.1f ms later)", sent.messages(), sent.messages() * 1e9 / (returned - sent.startNanos()),
                            sent.messages() * 1e9 / (now - sent.startNanos()), (now - returned) / 1e6));
                    return sent.messages() * 1e9 / (now - sent.startNanos());
                }
                if (now > deadline) {
                    throw new IllegalStateException(queue + " holds " + held + " of the " + sent.messages()
                            + " messages sent, " + Bench.ARRIVAL_BOUND_SECONDS + " s after the publishers returned");
                }
                LockSupport.parkNanos(500_000);
            }
        }
    }

    /** Declares a fresh non-durable classic queue; maxLength 0 for none. */
    String declare(String hint, int maxLength) throws Exception {
        String name = "warren.bench." + hint + "." + UUID.randomUUID().toString().substring(0, 8);
        try (Channel channel = connection.createChannel()) {
            channel.queueDeclare(name, false, false, false, maxLength > 0 ? Map.of("x-max-length", maxLength) : Map.of());
        }
        return name;
    }

    /** Declares a fresh quorum queue (durable, as quorum queues are). */
    String declareQuorum(String hint) throws Exception {
        String name = "warren.bench." + hint + "." + UUID.randomUUID().toString().substring(0, 8);
        try (Channel channel = connection.createChannel()) {
            channel.queueDeclare(name, true, false, false, Map.of("x-queue-type", "quorum"));
        }
        return name;
    }

    void purge(String queue) throws Exception {
        try (Channel channel = connection.createChannel()) {
            channel.queuePurge(queue);
        }
    }

    long ready(String queue) throws Exception {
        try (Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        }
    }

    void delete(String queue) throws Exception {
        try (Channel channel = connection.createChannel()) {
            channel.queueDelete(queue);
        }
    }

    /** Puts {@code count} transient messages of that size in the queue, confirmed. */
    void fill(String queue, int size, int count) throws Exception {
        byte[] body = Meter.body(size);
        try (Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            for (int i = 0; i < count; i++) {
                channel.basicPublish("", queue, RawClient.TRANSIENT, body);
                if (i % 5_000 == 4_999) {
                    channel.waitForConfirmsOrDie(60_000);
                }
            }
            channel.waitForConfirmsOrDie(60_000);
        }
    }

    /** After a consumer stopped: nothing may have come back to the queue (a message left unacked would). */
    void settle(String queue, String contender) throws Exception {
        long left = ready(queue);
        if (left != 0) {
            Bench.log("WARNING: " + left + " messages back in the queue after " + contender + " consumed: purged");
            purge(queue);
        }
    }
}
