package io.warren.test.broker;

import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A broker in this JVM that routes and queues as RabbitMQ 3.10 does, for tests. It speaks AMQP
 * 0-9-1 on a loopback port, so the amqp-client and everything built on it (the adapter
 * included) run on it unchanged: point a {@link ConnectionFactory} at {@link #port()}, or take
 * {@link #connectionFactory()}. State lives in memory and goes when the broker is closed.
 *
 * <p>What it does not model is listed in {@code docs/testing.md}.
 */
public final class InMemoryBroker implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(InMemoryBroker.class.getName());

    private final VirtualHost host = new VirtualHost();
    private final ServerSocket server;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private final ScheduledExecutorService expiry;
    private volatile boolean closed;

    private InMemoryBroker() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        expiry = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "warren-memory-broker expiry");
            thread.setDaemon(true);
            return thread;
        });
        // TTLs are enforced at the head of each queue, as RabbitMQ does, a few milliseconds late at most
        expiry.scheduleWithFixedDelay(this::expire, 5, 5, TimeUnit.MILLISECONDS);
        Thread acceptor = new Thread(this::accept, "warren-memory-broker acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return a started broker on a free loopback port */
    public static InMemoryBroker start() {
        try {
            return new InMemoryBroker();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback port for the in-memory broker", e);
        }
    }

    /** @return the loopback port the broker listens on */
    public int port() {
        return server.getLocalPort();
    }

    /** @return {@code amqp://guest:guest@127.0.0.1:PORT}; any user and password are accepted */
    public String uri() {
        return "amqp://guest:guest@127.0.0.1:" + port();
    }

    /** @return an amqp-client connection factory pointed at this broker */
    public ConnectionFactory connectionFactory() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port());
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                ServerConnection connection = new ServerConnection(socket, host, this);
                connections.add(connection);
                connection.start(connectionIds.incrementAndGet());
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "the in-memory broker stops accepting connections", e);
                }
                return;
            }
        }
    }

    private void expire() {
        long now = System.currentTimeMillis();
        synchronized (host) {
            host.dispatchAll(now);
        }
    }

    void forget(ServerConnection connection) {
        connections.remove(connection);
    }

    /**
     * What a queue holds now, as {@code rabbitmqctl list_queues messages_ready messages_unacknowledged consumers}
     * would say.
     *
     * @return the queue's counts, or empty when there is no such queue
     */
    public Optional<QueueStats> queue(String name) {
        synchronized (host) {
            BrokerQueue queue = host.queues.get(name);
            return queue == null ? Optional.empty()
                    : Optional.of(new QueueStats(queue.ready.size(), queue.unacked, queue.consumerCount()));
        }
    }

    /**
     * A queue's counts at one moment.
     *
     * @param ready messages waiting for a consumer
     * @param unacked messages delivered and not yet acknowledged
     * @param consumers consumers subscribed
     */
    public record QueueStats(int ready, int unacked, int consumers) {
    }

    /** Drops every client connection, as {@code rabbitmqctl close_all_connections} does; the broker stays up. */
    public void closeAllConnections() {
        for (ServerConnection connection : Set.copyOf(connections)) {
            connection.shutDown();
        }
    }

    /** Stops the broker: every connection drops, every queue and message is gone. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        closeAllConnections();
        expiry.shutdownNow();
    }
}
