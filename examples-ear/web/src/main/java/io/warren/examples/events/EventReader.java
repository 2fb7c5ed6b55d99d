package io.warren.examples.events;

import io.warren.Message;
import io.warren.MessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.util.logging.Logger;

/**
 * A stream reader: every message of the stream {@code events} from the first one kept; reading
 * does not remove them, and another reader would see them all too (docs/queues.md#streams).
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = EventService.STREAM),
        @ActivationConfigProperty(propertyName = "queueType", propertyValue = "stream"),
        @ActivationConfigProperty(propertyName = "queueArguments", propertyValue = "x-max-length-bytes=100000000"),
        @ActivationConfigProperty(propertyName = "streamOffset", propertyValue = "first"),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "1")})
public class EventReader implements MessageListener {

    private static final Logger LOG = Logger.getLogger(EventReader.class.getName());

    @Override
    public void onMessage(Message message) {
        LOG.info("Read event at offset " + message.header("x-stream-offset") + ": " + message.payload(String.class));
    }
}
