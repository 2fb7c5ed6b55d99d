package io.warren.rar.metrics;

import com.rabbitmq.client.Connection;

/** Names a broker node as operators know it: {@code host:port}. */
public final class Nodes {

    private Nodes() {
    }

    public static String of(Connection connection) {
        return connection.getAddress().getHostAddress() + ":" + connection.getPort();
    }
}
