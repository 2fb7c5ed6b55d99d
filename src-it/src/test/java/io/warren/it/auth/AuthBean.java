package io.warren.it.auth;

import io.warren.Connection;
import io.warren.ConnectionFactory;
import io.warren.Producer;
import io.warren.Queue;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import java.time.Duration;

/** Publishes through the application's two factories, each publish confirmed before it returns. */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class AuthBean {

    private static final Duration CONFIRM = Duration.ofSeconds(10);

    @Resource(lookup = AuthNames.TLS_FACTORY)
    ConnectionFactory tls;

    @Resource(lookup = AuthNames.OAUTH2_FACTORY)
    ConnectionFactory oauth2;

    public void publishOverMutualTls(String text) {
        tls.producer(Producer.to("").routingKey(AuthNames.TLS).confirms(CONFIRM).build()).publish(text);
    }

    /**
     * Declares a queue the connection has not used before, which RabbitMQ authorises with the
     * connection's current token (an expired one is refused), then publishes to the MDB.
     */
    public void declareAndPublishWithToken(String newQueue, String text) {
        try (Connection connection = oauth2.getConnection()) {
            connection.declare(Queue.builder(newQueue).durable(false).build());
        }
        oauth2.producer(Producer.to("").routingKey(AuthNames.OAUTH2).confirms(CONFIRM).build()).publish(text);
    }
}
