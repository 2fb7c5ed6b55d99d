package io.warren.test.broker;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The walk of a message through the exchanges of a virtual host to the queues it reaches. */
final class Destinations {

    private final Map<String, BrokerExchange> exchanges;
    private final Map<String, BrokerQueue> queues;

    Destinations(Map<String, BrokerExchange> exchanges, Map<String, BrokerQueue> queues) {
        this.exchanges = exchanges;
        this.queues = queues;
    }

    /** @return the queues a message reaches from the exchange, through exchange-to-exchange bindings and alternate exchanges */
    Set<BrokerQueue> reachedFrom(BrokerExchange exchange, List<String> keys, Map<String, Object> headers) {
        Set<BrokerQueue> reached = new LinkedHashSet<>();
        routeFrom(exchange, keys, headers, reached, new HashSet<>());
        return reached;
    }

    private void routeFrom(BrokerExchange exchange, List<String> keys, Map<String, Object> headers,
                           Set<BrokerQueue> reached, Set<String> visited) {
        if (!visited.add(exchange.name)) {
            return;
        }
        if (exchange.name.isEmpty()) {
            keys.stream().map(queues::get).filter(queue -> queue != null).forEach(reached::add);
            return;
        }
        boolean matched = false;
        for (Binding binding : exchange.bindings) {
            if (keys.stream().anyMatch(key -> exchange.routes(binding, key, headers))) {
                matched = true;
                if (binding.toQueue()) {
                    BrokerQueue queue = queues.get(binding.destination());
                    if (queue != null) {
                        reached.add(queue);
                    }
                } else {
                    BrokerExchange next = exchanges.get(binding.destination());
                    if (next != null) {
                        routeFrom(next, keys, headers, reached, visited);
                    }
                }
            }
        }
        // as RabbitMQ: the alternate exchange is used only when no binding matched, even one leading nowhere
        String alternate = exchange.alternateExchange();
        if (!matched && alternate != null && exchanges.containsKey(alternate)) {
            routeFrom(exchanges.get(alternate), keys, headers, reached, visited);
        }
    }
}
