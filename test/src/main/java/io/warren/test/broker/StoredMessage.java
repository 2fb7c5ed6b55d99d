package io.warren.test.broker;

import com.rabbitmq.client.AMQP;

import java.util.List;

/**
 * A message as routed: where it was published and with which routing keys (its own and those of
 * its {@code CC} header, which x-death records), its properties and body.
 */
record StoredMessage(String exchange, String routingKey, List<String> routingKeys, AMQP.BasicProperties properties,
                     byte[] body) {
}
