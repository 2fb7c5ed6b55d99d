package io.warren.bench.wildfly.app;

import io.warren.Message;
import io.warren.MessageListener;
import jakarta.inject.Inject;
import jakarta.ejb.MessageDriven;

/**
 * Consumes the queue named in WEB-INF/ejb-jar.xml (written per deployment by the bench) with the
 * default REQUIRED transaction: container-managed ack when the transaction commits.
 */
@MessageDriven(name = "BenchMdb", messageListenerInterface = MessageListener.class)
public class BenchMdb implements MessageListener {

    @Inject
    private Deliveries deliveries;

    @Override
    public void onMessage(Message message) {
        deliveries.hit();
    }
}
