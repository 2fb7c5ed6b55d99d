package io.warren.test.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An exchange and the bindings that leave it. Guarded by the virtual host's lock. */
final class BrokerExchange {

    final String name;
    final String type;
    final boolean durable;
    final boolean autoDelete;
    final boolean internal;
    final Map<String, Object> args;
    final List<Binding> bindings = new ArrayList<>();

    BrokerExchange(String name, String type, boolean durable, boolean autoDelete, boolean internal,
                   Map<String, Object> args) {
        this.name = name;
        this.type = type;
        this.durable = durable;
        this.autoDelete = autoDelete;
        this.internal = internal;
        this.args = args == null ? Map.of() : args;
    }

    /** @return whether this exchange routes a message with that key and those headers along the binding */
    boolean routes(Binding binding, String routingKey, Map<String, Object> headers) {
        return switch (type) {
            case "fanout" -> true;
            case "topic" -> Routing.topicMatches(binding.key(), routingKey);
            case "headers" -> Routing.headersMatch(binding.args(), headers);
            default -> binding.key().equals(routingKey);
        };
    }

    String alternateExchange() {
        return Values.text(args.get("alternate-exchange"));
    }
}
