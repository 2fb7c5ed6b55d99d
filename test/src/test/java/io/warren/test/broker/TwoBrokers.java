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
 * What a test run on both brokers opens: connections to the in-memory broker or to RabbitMQ on
 * 127.0.0.1, and queues named apart from every other test's. {@link #close()} deletes the queues
 * and closes the connections.
 */
final class TwoBrokers implements AutoCloseable {

    /** The name a parameterized test gives the in-memory broker; any other name is RabbitMQ. */
    static final String IN_MEMORY = "in-memory";

    private final InMemoryBroker memory;
    private final String prefix;
    private final String connectionName;
    private final List<Connection> opened = new ArrayList<>();
    private final List<String> queues = new ArrayList<>();

    /** @param prefix what this test's queue names begin with, before a random part */
    TwoBrokers(InMemoryBroker memory, String prefix, String connectionName) {
        this.memory = memory;
        this.prefix = prefix + UUID.randomUUID().toString().substring(0, 8) + "-";
        this.connectionName = connectionName;
    }

    Connection connect(String broker) throws IOException, TimeoutException {
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
    }
}
