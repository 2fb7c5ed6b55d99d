package io.warren.rar.inbound.servers;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JakartaRefusalsTest {

    private final JakartaRefusals jakarta = new JakartaRefusals();

    @Test
    void anUnavailableEndpointIsARefusal() {
        assertTrue(jakarta.refused(new UnavailableException("MDB OrderMdb is stopping")));
    }

    @Test
    void otherResourceExceptionsAndTheBeansAreNot() {
        assertFalse(jakarta.refused(new ResourceException("transaction manager unavailable")));
        assertFalse(jakarta.refused(new IllegalStateException("no stock")));
        assertFalse(jakarta.refused(new RuntimeException("wrapped", new UnavailableException("stopping"))),
                "judges the exception alone: the caller walks the cause chain");
    }
}
