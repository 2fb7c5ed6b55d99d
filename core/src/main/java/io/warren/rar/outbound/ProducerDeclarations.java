package io.warren.rar.outbound;

import com.rabbitmq.client.Connection;
import io.warren.Exchange;
import io.warren.Producer;
import io.warren.ProducerSettings;
import io.warren.Queue;
import io.warren.rar.declarations.Declarer;

import java.io.IOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * What producers of one connection factory have declared on each broker connection, so that they
 * declare their exchanges and queues once per connection and again on the next one: a broker that
 * restarted, or a connection that was lost, may have taken non-durable or auto-deleted entities
 * with it. Keyed weakly by the AMQP connection, which a lost connection's replacement is not; held
 * by the factory, never process-wide, so that two deployments of the adapter share nothing.
 */
final class ProducerDeclarations {

    private final Map<Connection, Set<Object>> declared = Collections.synchronizedMap(new WeakHashMap<>());

    /** The channel to declare on, asked for only when something is left to declare. */
    interface DeclarerSource {
        Declarer declarer() throws IOException;
    }

    /**
     * Declares, on the channel of a connection, what the settings name and this connection has not
     * seen declared yet. Two callers may both declare an entity the first time: declaring is idempotent.
     * The channel is taken only then: inside a transaction taking it sends tx.select, which a publish
     * that declares nothing must not send before it has checked that the broker reads the connection.
     */
    void ensure(Connection connection, ProducerSettings settings, DeclarerSource source) throws IOException {
        if (settings.declaredExchanges().isEmpty() && settings.declaredQueues().isEmpty()) {
            return;
        }
        Set<Object> done = declared.computeIfAbsent(connection, c -> Collections.synchronizedSet(new HashSet<>()));
        Declarer declarer = null;
        for (Exchange exchange : settings.declaredExchanges()) {
            if (!done.contains(exchange)) {
                declarer = declarer != null ? declarer : source.declarer();
                declarer.declare(exchange);
                done.add(exchange);
            }
        }
        for (Queue queue : settings.declaredQueues()) {
            if (!done.contains(queue)) {
                declarer = declarer != null ? declarer : source.declarer();
                declarer.declare(queue);
                done.add(queue);
            }
        }
    }

    /**
     * Forgets the settings' entities on every connection: a publish failed, maybe because someone
     * deleted one while the connection stayed up, so the next try declares them again.
     */
    void forget(ProducerSettings settings) {
        synchronized (declared) {
            for (Set<Object> done : declared.values()) {
                settings.declaredExchanges().forEach(done::remove);
                settings.declaredQueues().forEach(done::remove);
            }
        }
    }
}
