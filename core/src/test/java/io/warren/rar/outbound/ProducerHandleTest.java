package io.warren.rar.outbound;

import io.warren.Producer;
import io.warren.WarrenException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A producer publishes through the handle its managed connection made; a container that handed
 * back something else would otherwise surface as a ClassCastException. No broker is needed: the
 * connection manager answers before anything connects.
 */
class ProducerHandleTest {

    private static final String FOREIGN = "a handle proxy of the server's own";

    private final WarrenConnectionFactory factory =
            new WarrenConnectionFactory(new WarrenManagedConnectionFactory(), (managedFactory, info) -> FOREIGN);
    private final Producer producer = factory.producer(Producer.to("orders").build());

    @Test
    void aPublishOnSomethingElseThanWarrensHandleSaysWhatTheContainerGave() {
        WarrenException failure = assertThrows(WarrenException.class, () -> producer.publish("order 17"));
        assertTrue(failure.getMessage().contains(FOREIGN) && failure.getMessage().contains("Warren connection handle"),
                failure.getMessage());
    }

    @Test
    void aConfirmedPublishFailsItsFutureTheSameWay() {
        CompletableFuture<Void> confirmed = producer.publishConfirmed("order 17");
        ExecutionException failure = assertThrows(ExecutionException.class, confirmed::get);
        assertInstanceOf(WarrenException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains(FOREIGN), failure.getCause().getMessage());
    }
}
