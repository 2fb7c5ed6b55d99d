package io.warren.rar.inbound.servers;

import io.warren.rar.inbound.servers.ServerExceptions.EJBException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WildFlyRefusalsTest {

    private final WildFlyRefusals wildFly = new WildFlyRefusals();

    @Test
    void anMdbStoppingIsARefusal() {
        assertTrue(wildFly.refused(ServerExceptions.wildFlyStopping()));
    }

    @Test
    void theBeansExceptionsAndOtherEjbExceptionsAreNot() {
        assertFalse(wildFly.refused(new IllegalStateException("order 17 has no lines")));
        assertFalse(wildFly.refused(new EJBException("WFLYEJB0421: Invocation cannot proceed as component is shutting down")));
        assertFalse(wildFly.refused(new EJBException("bean failed", ServerExceptions.wildFlyStopping())),
                "judges the exception alone: the caller walks the cause chain");
    }

    @Test
    void anotherServersRefusalIsNotWildFlys() {
        assertFalse(wildFly.refused(ServerExceptions.glassFishInvocationClosed()));
    }
}
