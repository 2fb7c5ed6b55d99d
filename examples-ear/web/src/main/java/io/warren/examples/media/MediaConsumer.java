package io.warren.examples.media;

import io.warren.Message;
import io.warren.MessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.util.logging.Logger;

/**
 * One MDB consuming two queues, {@code video} and {@code image}, each bound to the exchange
 * {@code media} with its own name as the key (no {@code routingKeys} given).
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queues", propertyValue = "video,image"),
        @ActivationConfigProperty(propertyName = "exchange", propertyValue = "media")})
public class MediaConsumer implements MessageListener {

    private static final Logger LOG = Logger.getLogger(MediaConsumer.class.getName());

    @Override
    public void onMessage(Message message) {
        MediaFile file = message.payload(MediaFile.class);
        LOG.info("Got media message from queue " + message.queue() + ": name=" + file.name() + " size=" + file.size());
    }
}
