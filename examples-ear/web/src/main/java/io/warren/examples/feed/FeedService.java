package io.warren.examples.feed;

import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

import java.util.Map;

/** The feed importer's sender: an injected {@code @PublishTo} producer publishing to a direct exchange. */
@Stateless
public class FeedService {

    @Inject
    @PublishTo(exchange = "feed", routingKey = "importer")
    Producer feed;

    /** Asks the importer to import the feed at that URL; sent when this EJB's transaction commits. */
    public void importFeed(String url) {
        // kombu's message as it is: {"import_feed": url}
        feed.publish(Map.of("import_feed", url));
    }
}
