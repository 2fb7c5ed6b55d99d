package io.warren.it.auth;

import io.warren.ConnectionFactory;
import io.warren.Message;
import io.warren.MessageListener;
import io.warren.Producer;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/**
 * Consumes {@link AuthNames#TLS} signed on by its client certificate alone and passes each text on
 * to {@link AuthNames#TLS_DONE}. Where the broker is and the certificate (a node and files the test
 * makes) come from the application's ejb-jar.xml, as a user's would.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = AuthNames.TLS),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "saslMechanism", propertyValue = "EXTERNAL")})
public class TlsMdb implements MessageListener {

    @Resource(lookup = AuthNames.TLS_FACTORY)
    ConnectionFactory tls;

    @Override
    public void onMessage(Message message) {
        tls.producer(Producer.to("").routingKey(AuthNames.TLS_DONE).build()).publish(message.payload(String.class));
    }
}
