package io.warren.rar.outbound;

import com.rabbitmq.client.Connection;
import io.warren.rar.config.BrokerConnector;
import io.warren.rar.config.ConnectionSettings;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One AMQP connection per set of credentials, shared by a factory's managed connections (each of
 * which owns a channel on it). A connection that closed is replaced when next asked for, so that
 * the container's pool recovers by discarding broken managed connections and making new ones.
 */
final class SharedConnections {

    private static final Logger LOG = Logger.getLogger(SharedConnections.class.getName());

    private final ConnectionSettings settings;
    private final Map<Credentials, Connection> open = new HashMap<>();

    SharedConnections(ConnectionSettings settings) {
        this.settings = settings;
    }

    synchronized Connection get(Credentials credentials) throws IOException, TimeoutException {
        Connection connection = open.get(credentials);
        if (connection != null && connection.isOpen()) {
            return connection;
        }
        BrokerConnector connector = new BrokerConnector(settings, credentials.user(), credentials.passwordText());
        connection = connector.open("outbound");
        open.put(credentials, connection);
        return connection;
    }

    synchronized void closeAll() {
        for (Connection connection : open.values()) {
            try {
                if (connection.isOpen()) {
                    connection.close();
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "Closing an outbound broker connection failed", e);
            }
        }
        open.clear();
    }
}
