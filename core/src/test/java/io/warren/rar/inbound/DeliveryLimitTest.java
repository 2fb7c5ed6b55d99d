package io.warren.rar.inbound;

import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RabbitMQ 4 ends a quorum message at 20 deliveries unless its queue says otherwise: a quorum
 * queue Warren declares names a limit above maxDeliveries when maxDeliveries needs one, and a
 * limit below maxDeliveries in queueArguments is refused. No broker: the declarations as built.
 */
class DeliveryLimitTest {

    private static WarrenActivationSpec spec(String queueType, int maxDeliveries) {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue("orders");
        spec.setQueueType(queueType);
        spec.setMaxDeliveries(String.valueOf(maxDeliveries));
        return spec;
    }

    private static Map<String, Object> declared(WarrenActivationSpec spec) {
        return spec.inboundSettings().queues().get(0).arguments();
    }

    @Test
    void aQuorumQueueWithMoreDeliveriesThanRabbitMq4sDefaultDeclaresItsLimit() {
        assertEquals(50L, declared(spec("quorum", 30)).get("x-delivery-limit"));
    }

    @Test
    void noLimitIsDeclaredWhereTheDefaultSuffices() {
        assertFalse(declared(spec("quorum", 5)).containsKey("x-delivery-limit"), "maxDeliveries 5 needs no limit");
        assertFalse(declared(spec("classic", 30)).containsKey("x-delivery-limit"), "classic queues keep no count");
    }

    @Test
    void aLimitGivenInQueueArgumentsIsKept() {
        WarrenActivationSpec spec = spec("quorum", 30);
        spec.setQueueArguments("x-delivery-limit=40");
        assertEquals(40L, declared(spec).get("x-delivery-limit"));
    }

    @Test
    void aLimitBelowMaxDeliveriesIsRefused() {
        WarrenActivationSpec spec = spec("quorum", 30);
        spec.setQueueArguments("x-delivery-limit=10");
        InvalidPropertyException error = assertThrows(InvalidPropertyException.class, spec::validate);
        assertTrue(error.getMessage().contains("queueArguments: x-delivery-limit=10 ends a message on the broker "
                + "before its maxDeliveries=30 deliveries"), error.getMessage());
    }
}
