package io.warren.it.auth;

import io.warren.ConnectionFactory;
import io.warren.Message;
import io.warren.MessageListener;
import io.warren.Producer;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/**
 * Consumes {@link AuthNames#OAUTH2} signed on with OAuth 2 tokens and passes each text on to
 * {@link AuthNames#OAUTH2_DONE}. The broker and the token endpoint come from the application's
 * ejb-jar.xml.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = AuthNames.OAUTH2),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "1")})
public class OAuth2Mdb implements MessageListener {

    @Resource(lookup = AuthNames.OAUTH2_FACTORY)
    ConnectionFactory oauth2;

    @Override
    public void onMessage(Message message) {
        oauth2.producer(Producer.to("").routingKey(AuthNames.OAUTH2_DONE).build()).publish(message.payload(String.class));
    }
}
