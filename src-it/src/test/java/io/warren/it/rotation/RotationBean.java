package io.warren.it.rotation;

import io.warren.ConnectionFactory;
import io.warren.Producer;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.time.Duration;

/**
 * Publishes through a connection factory the server configures (not the application), by the
 * resource reference {@link #FACTORY} with container sign-on that web.xml maps to it, looked up at
 * each call: the server signs on with the secret its store holds.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RotationBean {

    /** The resource reference's name, under java:comp/env. */
    public static final String FACTORY = "warren/rotation";
    private static final Duration CONFIRM = Duration.ofSeconds(10);

    public void publish(String queue, String text) throws NamingException {
        ConnectionFactory factory = (ConnectionFactory) new InitialContext().lookup("java:comp/env/" + FACTORY);
        factory.producer(Producer.to("").routingKey(queue).confirms(CONFIRM).build()).publish(text);
    }
}
