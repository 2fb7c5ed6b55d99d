package io.warren.examples.events;

import io.warren.Connection;
import io.warren.ConnectionFactory;
import io.warren.OutgoingMessage;
import io.warren.Queue;
import io.warren.QueueType;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;

import java.util.Map;

/**
 * Declares through a {@link Connection} what the MDBs declare from their activation config, with
 * the same names: the stream {@code events} and the quorum queue {@code orders} ({@code OrderHandler}).
 */
@Stateless
public class EventService {

    static final String STREAM = "events";
    /** Equal to the EventReader's declaration: a declaration with other arguments would be refused. */
    static final Queue EVENTS = Queue.builder(STREAM).type(QueueType.STREAM).maxLengthBytes(100_000_000).build();
    static final Queue ORDERS = Queue.builder("orders").type(QueueType.QUORUM).build();

    @Resource(name = "warren/ConnectionFactory")
    ConnectionFactory factory;

    /** Appends a text to the stream. */
    public void append(String text) {
        try (Connection connection = factory.getConnection()) {
            connection.declare(EVENTS);
            connection.publish("", OutgoingMessage.of(text).serializer("text").routingKey(STREAM).build());
        }
    }

    /** Sends an order to the quorum queue; one with {@code fail} fails in the MDB and is retried with delays. */
    public void order(String id, boolean fail) {
        try (Connection connection = factory.getConnection()) {
            connection.declare(ORDERS);
            connection.publish("", OutgoingMessage.of(Map.of("id", id, "fail", fail)).routingKey("orders").build());
        }
    }
}
