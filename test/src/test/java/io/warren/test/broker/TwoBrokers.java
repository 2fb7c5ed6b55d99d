package io.warren.test.broker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * What a test run on both brokers opens: connections to an in-memory broker of its own (started
 * at its first connection) or to RabbitMQ on 127.0.0.1, and queues named apart from every other
 * test's. {@link #close()} deletes the queues, closes the connections and stops the in-memory broker.
 */
final class TwoBrokers implements AutoCloseable {

    /** The name a parameterized test gives the in-memory broker; any other name is RabbitMQ. */
    static final String IN_MEMORY = "in-memory";

    private InMemoryBroker memory;
    private final String prefix;
    private final String connectionName;
    private final List<Connection> opened = new ArrayList<>();
    private final List<String> queues = new ArrayList<>();

    /** @param prefix what this test's queue names begin with, before a random part */
    TwoBrokers(String prefix, String connectionName) {
        this.prefix = prefix + UUID.randomUUID().toString().substring(0, 8) + "-";
        this.connectionName = connectionName;
    }

    Connection connect(String broker) throws IOException, TimeoutException {
        if (broker.equals(IN_MEMORY) && memory == null) {
            memory = InMemoryBroker.start();
        }
        ConnectionFactory factory = broker.equals(IN_MEMORY) ? memory.connectionFactory() : new ConnectionFactory();
        if (!broker.equals(IN_MEMORY)) {
            factory.setHost("127.0.0.1");
            factory.setAutomaticRecoveryEnabled(false);
        }
        Connection connection = factory.newConnection(connectionName);
        opened.add(connection);
        return connection;
    }

    /** @return the name of a queue of this test, deleted at {@link #close()} */
    String queue(String name) {
        queues.add(prefix + name);
        return prefix + name;
    }

    @Override
    public void close() throws IOException, TimeoutException {
        for (Connection connection : opened) {
            if (connection.isOpen()) {
                try (Channel channel = connection.createChannel()) {
                    for (String queue : queues) {
                        channel.queueDelete(queue);
                    }
                }
                connection.close();
            }
        }
        if (memory != null) {
            memory.close();
        }
    }
}
