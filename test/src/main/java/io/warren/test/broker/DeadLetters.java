package io.warren.test.broker;

import com.rabbitmq.client.AMQP;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dead-lettering as RabbitMQ 3.10 does it: the message goes to the queue's dead-letter exchange
 * with its own routing keys (or the queue's dead-letter routing key, which also drops {@code CC}),
 * loses its {@code expiration}, and gains an {@code x-death} entry per queue and reason, most
 * recent first, counting repeats; {@code x-first-death-*} keep the first. A message that would go
 * round a cycle of dead-lettering with no rejection on the way is dropped.
 */
final class DeadLetters {

    private final VirtualHost host;

    DeadLetters(VirtualHost host) {
        this.host = host;
    }

    void deadLetter(BrokerQueue queue, QueueEntry entry, String reason, long now) {
        if (queue.deadLetterExchange == null) {
            return;
        }
        BrokerExchange exchange = host.exchanges.get(queue.deadLetterExchange);
        if (exchange == null) {
            return; // RabbitMQ drops it, and logs
        }
        StoredMessage original = entry.message;
        Map<String, Object> headers = new LinkedHashMap<>();
        if (original.properties().getHeaders() != null) {
            headers.putAll(original.properties().getHeaders());
        }
        List<String> keys = original.routingKeys();
        if (queue.deadLetterRoutingKey != null) {
            keys = List.of(queue.deadLetterRoutingKey);
            headers.remove("CC");
        }
        Map<String, Object> death = new LinkedHashMap<>();
        death.put("reason", reason);
        death.put("queue", queue.name);
        death.put("time", new Date(now / 1000 * 1000));
        death.put("exchange", original.exchange());
        death.put("routing-keys", new ArrayList<Object>(original.routingKeys()));
        if (original.properties().getExpiration() != null) {
            death.put("original-expiration", original.properties().getExpiration());
        }
        List<Object> deaths = new ArrayList<>();
        long count = 1;
        for (Object earlier : listOf(headers.get("x-death"))) {
            if (earlier instanceof Map<?, ?> table && queue.name.equals(Values.text(table.get("queue")))
                    && reason.equals(Values.text(table.get("reason")))) {
                Long previous = Values.integer(table.get("count"));
                count = previous == null ? 1 : previous + 1;
            } else {
                deaths.add(earlier);
            }
        }
        Map<String, Object> counted = new LinkedHashMap<>();
        counted.put("count", count);
        counted.putAll(death);
        deaths.add(0, counted);
        if (!headers.containsKey("x-death")) {
            headers.put("x-first-death-reason", reason);
            headers.put("x-first-death-queue", queue.name);
            headers.put("x-first-death-exchange", original.exchange());
        }
        headers.put("x-death", deaths);
        AMQP.BasicProperties properties = original.properties().builder().headers(headers).expiration(null).build();
        StoredMessage dead = new StoredMessage(exchange.name, keys.get(0), keys, properties, original.body());
        Set<BrokerQueue> targets = host.route(exchange, keys, headers);
        for (BrokerQueue target : targets) {
            if (!reason.equals("rejected") && cycle(target.name, deaths)) {
                continue;
            }
            host.enqueue(target, dead, now);
        }
    }

    /** @return whether the message went through the queue before with no rejection since */
    private static boolean cycle(String queue, List<Object> deaths) {
        for (Object death : deaths) {
            if (death instanceof Map<?, ?> table) {
                if ("rejected".equals(Values.text(table.get("reason")))) {
                    return false;
                }
                if (queue.equals(Values.text(table.get("queue")))) {
                    return true;
                }
            }
        }
        return false;
    }

    static List<Object> listOf(Object value) {
        return value instanceof List<?> list ? new ArrayList<>(list) : List.of();
    }

    static List<String> textList(Object value) {
        List<String> texts = new ArrayList<>();
        for (Object item : listOf(value)) {
            String text = Values.text(item);
            if (text != null) {
                texts.add(text);
            }
        }
        return texts;
    }
}
