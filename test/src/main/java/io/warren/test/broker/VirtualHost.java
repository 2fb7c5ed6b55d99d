package io.warren.test.broker;

import com.rabbitmq.client.AMQP;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The broker's model: exchanges, queues and bindings, routing, delivery to consumers, expiry and
 * overflow. Every method runs under the lock of this object, so the model changes one method at a
 * time, as a single RabbitMQ queue process would see it.
 */
final class VirtualHost {

    private static final List<String> TYPES = List.of("direct", "fanout", "topic", "headers");
    private static final List<String> QUEUE_ARGS_COMPARED = List.of("x-expires", "x-message-ttl",
            "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-max-length", "x-max-length-bytes",
            "x-max-priority", "x-overflow", "x-queue-mode", "x-queue-type", "x-delivery-limit", "x-single-active-consumer");

    final Map<String, BrokerExchange> exchanges = new LinkedHashMap<>();
    final Map<String, BrokerQueue> queues = new LinkedHashMap<>();
    private final DeadLetters deadLetters = new DeadLetters(this);

    VirtualHost() {
        exchanges.put("", new BrokerExchange("", "direct", true, false, false, null));
        for (String type : TYPES) {
            exchanges.put("amq." + type, new BrokerExchange("amq." + type, type, true, false, false, null));
        }
        exchanges.put("amq.match", new BrokerExchange("amq.match", "headers", true, false, false, null));
    }

    void declareExchange(String name, String type, boolean passive, boolean durable, boolean autoDelete,
                         boolean internal, Map<String, Object> args) {
        BrokerExchange existing = exchanges.get(name);
        if (passive) {
            if (existing == null) {
                throw AmqpError.noExchange(name);
            }
            return;
        }
        if (name.isEmpty() || name.startsWith("amq.")) {
            throw AmqpError.channel(AmqpError.ACCESS_REFUSED, "exchange name '" + name
                    + "' contains reserved prefix 'amq.*'");
        }
        if (!TYPES.contains(type)) {
            throw AmqpError.connection(AmqpError.COMMAND_INVALID, "unknown exchange type '" + type + "'");
        }
        if (existing == null) {
            exchanges.put(name, new BrokerExchange(name, type, durable, autoDelete, internal, args));
            return;
        }
        inequivalent("type", "exchange", name, type, existing.type);
        inequivalent("durable", "exchange", name, durable, existing.durable);
        inequivalent("auto_delete", "exchange", name, autoDelete, existing.autoDelete);
        inequivalent("internal", "exchange", name, internal, existing.internal);
        Object declaredAe = args == null ? null : args.get("alternate-exchange");
        if (!Values.equivalent(declaredAe, existing.args.get("alternate-exchange"))) {
            throw inequivalentArg("alternate-exchange", "exchange", name);
        }
    }

    private static void inequivalent(String field, String kind, String name, Object declared, Object existing) {
        if (!declared.equals(existing)) {
            throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "inequivalent arg '" + field + "' for " + kind
                    + " '" + name + "' in vhost '/': received '" + declared + "' but current is '" + existing + "'");
        }
    }

    private static AmqpError inequivalentArg(String arg, String kind, String name) {
        return AmqpError.channel(AmqpError.PRECONDITION_FAILED, "inequivalent arg '" + arg + "' for " + kind + " '"
                + name + "' in vhost '/'");
    }

    void deleteExchange(String name, boolean ifUnused) {
        BrokerExchange exchange = exchanges.get(name);
        if (name.isEmpty() || name.startsWith("amq.")) {
            throw AmqpError.channel(AmqpError.ACCESS_REFUSED, "operation not permitted on exchange '" + name + "'");
        }
        if (exchange == null) {
            return;
        }
        if (ifUnused && !exchange.bindings.isEmpty()) {
            throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "exchange '" + name + "' in vhost '/' in use");
        }
        exchanges.remove(name);
        for (BrokerExchange other : List.copyOf(exchanges.values())) {
            removeBindings(other, binding -> !binding.toQueue() && binding.destination().equals(name));
        }
    }

    BrokerQueue declareQueue(ServerConnection connection, String requested, boolean passive, boolean durable,
                             boolean exclusive, boolean autoDelete, Map<String, Object> args) {
        String name = requested.isEmpty() && !passive ? "amq.gen-" + UUID.randomUUID().toString().replace("-", "") : requested;
        BrokerQueue existing = queues.get(name);
        if (existing != null && existing.owner != null && existing.owner != connection) {
            throw AmqpError.channel(AmqpError.RESOURCE_LOCKED, "cannot obtain exclusive access to locked queue '"
                    + name + "' in vhost '/'. It could be originally declared on another connection or the "
                    + "exclusive property value does not match that of the original declaration.");
        }
        if (passive) {
            if (existing == null) {
                throw AmqpError.noQueue(name);
            }
            return existing;
        }
        if (name.startsWith("amq.") && !requested.isEmpty()) {
            throw AmqpError.channel(AmqpError.ACCESS_REFUSED, "queue name '" + name + "' contains reserved prefix 'amq.*'");
        }
        if (existing == null) {
            refuseUnimplemented(args);
            BrokerQueue queue = new BrokerQueue(name, durable, exclusive, autoDelete, args, connection);
            if (queue.quorum && (!durable || exclusive || autoDelete)) {
                throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "invalid property '"
                        + (!durable ? "non-durable" : exclusive ? "exclusive" : "auto-delete") + "' for queue '"
                        + name + "' in vhost '/'");
            }
            queues.put(name, queue);
            return queue;
        }
        inequivalent("durable", "queue", name, durable, existing.durable);
        inequivalent("auto_delete", "queue", name, autoDelete, existing.autoDelete);
        if (exclusive != existing.exclusive) {
            throw AmqpError.channel(AmqpError.RESOURCE_LOCKED, "cannot obtain exclusive access to locked queue '"
                    + name + "' in vhost '/'");
        }
        Map<String, Object> declared = args == null ? Map.of() : args;
        for (String arg : QUEUE_ARGS_COMPARED) {
            if (!Values.equivalent(declared.get(arg), existing.args.get(arg))) {
                throw inequivalentArg(arg, "queue", name);
            }
        }
        return existing;
    }

    /**
     * Queue features this broker does not have are refused, saying so, rather than half-imitated:
     * a test of them must run against RabbitMQ.
     */
    private static void refuseUnimplemented(Map<String, Object> args) {
        if (args == null) {
            return;
        }
        if ("stream".equals(Values.text(args.get("x-queue-type")))) {
            throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "the in-memory broker of warren-test has no "
                    + "stream queues (x-queue-type=stream): test streams against RabbitMQ");
        }
        if (Boolean.TRUE.equals(args.get("x-single-active-consumer"))) {
            throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "the in-memory broker of warren-test has no "
                    + "single active consumer (x-single-active-consumer): test it against RabbitMQ");
        }
    }

    int deleteQueue(ServerConnection connection, String name, boolean ifUnused, boolean ifEmpty) {
        BrokerQueue queue = queues.get(name);
        if (queue == null) {
            return 0;
        }
        if (queue.owner != null && queue.owner != connection) {
            throw AmqpError.channel(AmqpError.RESOURCE_LOCKED, "cannot obtain exclusive access to locked queue '"
                    + name + "' in vhost '/'");
        }
        if (ifUnused && queue.consumerCount() > 0) {
            throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "queue '" + name + "' in vhost '/' in use");
        }
        if (ifEmpty && !queue.ready.isEmpty()) {
            throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "queue '" + name + "' in vhost '/' is not empty");
        }
        int count = queue.ready.size();
        remove(queue);
        return count;
    }

    /** Removes the queue, its bindings, and cancels its consumers as RabbitMQ does (basic.cancel). */
    void remove(BrokerQueue queue) {
        if (queues.remove(queue.name) == null) {
            return;
        }
        for (Consumer consumer : List.copyOf(queue.consumers)) {
            consumer.channel.cancelledByBroker(consumer);
        }
        queue.consumers.clear();
        for (BrokerExchange exchange : List.copyOf(exchanges.values())) {
            removeBindings(exchange, binding -> binding.toQueue() && binding.destination().equals(queue.name));
        }
    }

    int purge(ServerConnection connection, String name) {
        BrokerQueue queue = existingQueue(connection, name);
        int count = queue.ready.size();
        queue.ready.clear();
        queue.readyBytes = 0;
        return count;
    }

    BrokerQueue existingQueue(ServerConnection connection, String name) {
        BrokerQueue queue = queues.get(name);
        if (queue == null) {
            throw AmqpError.noQueue(name);
        }
        if (queue.owner != null && queue.owner != connection) {
            throw AmqpError.channel(AmqpError.RESOURCE_LOCKED, "cannot obtain exclusive access to locked queue '"
                    + name + "' in vhost '/'");
        }
        return queue;
    }

    void bind(ServerConnection connection, String source, String destination, boolean toQueue, String key,
              Map<String, Object> args) {
        BrokerExchange exchange = bindingSource(connection, source, destination, toQueue);
        if (exchange.type.equals("headers") && args != null && !Routing.validMatchKind(args.get("x-match"))) {
            throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "Invalid x-match field value "
                    + Values.plain(args.get("x-match")) + "; expected all, any, all-with-x, or any-with-x");
        }
        Binding binding = new Binding(source, destination, toQueue, key, args == null ? Map.of() : args);
        if (exchange.bindings.stream().noneMatch(existing -> same(existing, binding))) {
            exchange.bindings.add(binding);
        }
    }

    void unbind(ServerConnection connection, String source, String destination, boolean toQueue, String key,
                Map<String, Object> args) {
        BrokerExchange exchange = bindingSource(connection, source, destination, toQueue);
        Binding wanted = new Binding(source, destination, toQueue, key, args == null ? Map.of() : args);
        removeBindings(exchange, existing -> same(existing, wanted));
    }

    private BrokerExchange bindingSource(ServerConnection connection, String source, String destination, boolean toQueue) {
        if (source.isEmpty() || (toQueue ? false : destination.isEmpty())) {
            throw AmqpError.channel(AmqpError.ACCESS_REFUSED, "operation not permitted on the default exchange");
        }
        BrokerExchange exchange = exchanges.get(source);
        if (exchange == null) {
            throw AmqpError.noExchange(source);
        }
        if (toQueue) {
            existingQueue(connection, destination);
        } else if (!exchanges.containsKey(destination)) {
            throw AmqpError.noExchange(destination);
        }
        return exchange;
    }

    private static boolean same(Binding a, Binding b) {
        if (!a.key().equals(b.key()) || a.toQueue() != b.toQueue() || !a.destination().equals(b.destination())
                || a.args().size() != b.args().size()) {
            return false;
        }
        return a.args().entrySet().stream().allMatch(e -> b.args().containsKey(e.getKey())
                && Values.equivalent(e.getValue(), b.args().get(e.getKey())));
    }

    private void removeBindings(BrokerExchange exchange, java.util.function.Predicate<Binding> which) {
        if (exchange.bindings.removeIf(which) && exchange.autoDelete && exchange.bindings.isEmpty()) {
            deleteExchange(exchange.name, false);
        }
    }

    /** @return the queues a message reaches from the exchange, through exchange-to-exchange bindings and alternate exchanges */
    Set<BrokerQueue> route(BrokerExchange exchange, List<String> keys, Map<String, Object> headers) {
        return new Destinations(exchanges, queues).reachedFrom(exchange, keys, headers);
    }

    /** What became of a publish: whether any queue took it, and whether a full queue refused it. */
    record Outcome(boolean routed, boolean refused) {
    }

    Outcome publish(String exchangeName, String routingKey, AMQP.BasicProperties properties, byte[] body, long now) {
        BrokerExchange exchange = exchanges.get(exchangeName);
        if (exchange == null) {
            throw AmqpError.noExchange(exchangeName);
        }
        if (exchange.internal) {
            throw AmqpError.channel(AmqpError.ACCESS_REFUSED, "cannot publish to internal exchange '"
                    + exchangeName + "' in vhost '/'");
        }
        Map<String, Object> headers = properties.getHeaders();
        List<String> keys = new ArrayList<>();
        keys.add(routingKey);
        keys.addAll(DeadLetters.textList(headers == null ? null : headers.get("CC")));
        List<String> recorded = List.copyOf(keys);
        keys.addAll(DeadLetters.textList(headers == null ? null : headers.get("BCC")));
        if (headers != null && headers.containsKey("BCC")) {
            Map<String, Object> withoutBcc = new LinkedHashMap<>(headers);
            withoutBcc.remove("BCC");
            properties = properties.builder().headers(withoutBcc).build();
        }
        StoredMessage message = new StoredMessage(exchangeName, routingKey, recorded, properties, body);
        Set<BrokerQueue> reached = route(exchange, keys, headers);
        boolean refused = false;
        for (BrokerQueue queue : reached) {
            refused |= !enqueue(queue, message, now);
        }
        return new Outcome(!reached.isEmpty(), refused);
    }

    /** @return false when the queue is full and refuses messages rather than dropping its head */
    boolean enqueue(BrokerQueue queue, StoredMessage message, long now) {
        boolean rejects = queue.overflow.startsWith("reject-publish");
        if (rejects && queue.wouldOverflow(message)) {
            if (queue.overflow.equals("reject-publish-dlx")) {
                deadLetters.deadLetter(queue, new QueueEntry(message, -1, Long.MAX_VALUE), "maxlen", now);
            }
            return false;
        }
        boolean consumerWaiting = queue.ready.isEmpty() && queue.consumers.stream().anyMatch(Consumer::ready);
        queue.enqueue(message, now);
        if (consumerWaiting) {
            dispatch(queue, now); // straight to the consumer, before any limit or TTL applies
            return true;
        }
        boolean dropped = false;
        while (!rejects && queue.overLimit()) {
            dropped = true;
            deadLetters.deadLetter(queue, queue.pollHead(), "maxlen", now);
        }
        // as RabbitMQ: expiry is looked at only when the head changed; a TTL-0 message behind others waits for its turn
        if (dropped || queue.ready.size() == 1) {
            dispatch(queue, now);
        }
        return true;
    }

    /** Hands ready messages to consumers that may take them, dead-lettering those expired at the head. */
    void dispatch(BrokerQueue queue, long now) {
        while (true) {
            QueueEntry head = queue.head();
            if (head == null) {
                return;
            }
            Consumer consumer = head.expiresAt < now ? null : queue.nextReadyConsumer();
            if (head.expiresAt <= now && consumer == null) {
                // a TTL of 0 still lets a consumer ready at once take the message, as in RabbitMQ
                queue.pollHead();
                deadLetters.deadLetter(queue, head, "expired", now);
                continue;
            }
            if (consumer == null) {
                return;
            }
            queue.pollHead();
            consumer.channel.deliver(consumer, queue, head);
        }
    }

    void dispatchAll(long now) {
        for (BrokerQueue queue : List.copyOf(queues.values())) {
            if (queues.containsKey(queue.name)) {
                dispatch(queue, now);
            }
        }
    }

    /** A delivery settled with reject or nack, recovered, or left by its ended channel: back to its queue, or dead-lettered. */
    void returned(BrokerQueue queue, QueueEntry entry, boolean requeue, boolean channelEnded, long now) {
        if (queues.get(queue.name) != queue) {
            return; // the queue was deleted meanwhile: its messages went with it
        }
        if (!requeue) {
            deadLetters.deadLetter(queue, entry, "rejected", now);
            return;
        }
        if (queue.quorum) {
            entry.deliveryCount++;
            if (queue.deliveryLimit != null && entry.deliveryCount > queue.deliveryLimit) {
                deadLetters.deadLetter(queue, entry, "delivery_limit", now);
                return;
            }
        }
        queue.requeue(entry, channelEnded);
    }

    void consumerRemoved(Consumer consumer) {
        BrokerQueue queue = consumer.queue;
        queue.consumers.remove(consumer);
        if (queue.autoDelete && queue.hadConsumers && queue.consumers.isEmpty() && queues.get(queue.name) == queue) {
            remove(queue);
        }
    }

    void connectionClosed(ServerConnection connection) {
        for (BrokerQueue queue : List.copyOf(queues.values())) {
            if (queue.owner == connection) {
                remove(queue);
            }
        }
    }
}
