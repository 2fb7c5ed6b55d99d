package io.warren.bench.wildfly.jms.mdb;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/**
 * What a WildFly user would otherwise write: a JMS MDB on the embedded Artemis, with the default
 * REQUIRED transaction and two sessions, as the Warren MDB has two consumers.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = "java:/jms/queue/warrenBench"),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "2")})
public class JmsMdb implements MessageListener {

    @Inject
    private JmsDeliveries deliveries;

    @Override
    public void onMessage(Message message) {
        deliveries.hit();
    }
}
