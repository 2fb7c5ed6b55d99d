package io.warren.examples.poll;

import io.warren.Connection;
import io.warren.ConnectionFactory;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.Queue;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;

import java.util.Optional;
import java.util.logging.Logger;

/** Polling instead of consuming: takes one message at a time from the queue {@code poll} with basic.get. */
@Stateless
public class PollingService {

    static final String QUEUE = "poll";

    private static final Logger LOG = Logger.getLogger(PollingService.class.getName());

    // a reference each server maps to its own JNDI name: WEB-INF/jboss-web.xml, WEB-INF/glassfish-web.xml
    @Resource(name = "warren/ConnectionFactory")
    ConnectionFactory factory;

    /** Puts a text message on the queue, through the default exchange (routing key = queue name). */
    public void put(String text) {
        try (Connection connection = factory.getConnection()) {
            connection.declare(Queue.builder(QUEUE).build());
            connection.publish("", OutgoingMessage.of(text).serializer("text").routingKey(QUEUE).build());
        }
    }

    /** @return what was taken from the queue, or that it was empty */
    public String fetch() {
        try (Connection connection = factory.getConnection()) {
            // no MDB declares this queue, and basic.get on a missing queue is an error
            connection.declare(Queue.builder(QUEUE).build());
            Optional<Message> next = connection.fetch(QUEUE);
            if (next.isEmpty()) {
                LOG.info("queue " + QUEUE + " is empty");
                return "queue " + QUEUE + " is empty";
            }
            Message message = next.get();
            String text = message.payload(String.class);
            // inside this EJB's transaction: the ack reaches the broker when it commits
            message.ack();
            LOG.info("Polled message from queue " + QUEUE + ": " + text);
            return "polled from queue " + QUEUE + ": " + text;
        }
    }
}
