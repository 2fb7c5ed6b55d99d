package io.warren.examples.feed;

import io.warren.Message;
import io.warren.MessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.util.Map;
import java.util.logging.Logger;

/** The feed importer: an MDB consuming the queue {@code feed}, bound to the direct exchange {@code feed} with the key {@code importer}. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = "feed"),
        @ActivationConfigProperty(propertyName = "exchange", propertyValue = "feed"),
        @ActivationConfigProperty(propertyName = "routingKeys", propertyValue = "importer")})
public class FeedImporter implements MessageListener {

    private static final Logger LOG = Logger.getLogger(FeedImporter.class.getName());

    @Override
    public void onMessage(Message message) {
        Map<?, ?> request = message.payload(Map.class);
        LOG.info("Got feed import message for: " + request.get("import_feed"));
    }
}
