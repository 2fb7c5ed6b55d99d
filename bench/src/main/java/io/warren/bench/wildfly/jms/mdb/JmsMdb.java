package io.warren.bench.wildfly.jms.mdb;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/**
 * What a WildFly user would otherwise write: a JMS MDB on the embedded Artemis. The bench's
 * ejb-jar.xml sets its transaction attribute and {@code maxSession} (as many sessions as the Warren
 * MDB has consumers): {@code io.warren.bench.ArtemisMdb}.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = "java:/jms/queue/warrenBench"),
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue")})
public class JmsMdb implements MessageListener {

    @Inject
    private JmsDeliveries deliveries;

    @Override
    public void onMessage(Message message) {
        deliveries.hit();
    }
}
