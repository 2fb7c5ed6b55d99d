package io.warren.test.kit;

import io.warren.Producer;
import io.warren.test.Delivered;
import io.warren.test.Mdb;
import io.warren.test.WarrenTestKit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One MDB test, unchanged, on the in-memory broker and on the real RabbitMQ: only the line that
 * starts the kit differs. Acks are checked the way that works on both: undeploy, and what was not
 * acked would be back in the queue.
 */
class BothBrokersTest {

    private static WarrenTestKit start(String broker) {
        return broker.equals("in-memory") ? WarrenTestKit.inMemory() : WarrenTestKit.broker(broker);
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "amqp://guest:guest@127.0.0.1:5672"})
    void anOrderIsHandledOnceAndAckedAndAFailingOneIsDeadLettered(String broker) {
        List<Map<?, ?>> handled = new CopyOnWriteArrayList<>();
        try (WarrenTestKit kit = start(broker)) {
            Mdb<OrderListener> listener = kit.deploy(OrderListener.class, () -> new OrderListener(order -> {
                if (order.containsKey("poison")) {
                    throw new IllegalArgumentException("not an order");
                }
                handled.add(order);
            }));
            Producer shop = kit.producer(Producer.to("kit-shop").routingKey("order").build());

            shop.publish(Map.of("id", 1));
            shop.publish(Map.of("poison", true));

            listener.awaitDeliveries(1 + 3);
            kit.awaitCount("kit-orders.dead-letters", 1);
            listener.close();
            assertEquals(List.of(Map.of("id", 1)), handled);
            assertEquals(0, kit.count("kit-orders"));
            List<Delivered> dead = kit.deadLetters("kit-orders");
            assertEquals(1, dead.size());
            assertEquals("java.lang.IllegalArgumentException", dead.get(0).header("x-warren-exception"));
        }
    }
}
