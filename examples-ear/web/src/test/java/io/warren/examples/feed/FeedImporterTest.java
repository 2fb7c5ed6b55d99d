package io.warren.examples.feed;

import io.warren.Producer;
import io.warren.test.Delivered;
import io.warren.test.Mdb;
import io.warren.test.WarrenTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The feed example as a unit test: FeedService publishes, the FeedImporter MDB receives, no server, no RabbitMQ. */
class FeedImporterTest {

    private WarrenTestKit kit;

    @BeforeEach
    void start() {
        kit = WarrenTestKit.inMemory();
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    @Test
    void theImporterReceivesTheFeedTheServiceSendsAndAcksIt() {
        Mdb<FeedImporter> importer = kit.deploy(FeedImporter.class);
        FeedService service = new FeedService();
        service.feed = kit.producer(Producer.to("feed").routingKey("importer").build());

        service.importFeed("http://example.com/feed.xml");

        importer.awaitDeliveries(1);
        assertEquals(Map.of("import_feed", "http://example.com/feed.xml"),
                importer.succeeded().get(0).payload(Map.class));
        kit.awaitAcked("feed");
    }

    @Test
    void aBodyThatIsNotJsonIsDeadLetteredAtOnceWithoutRetries() {
        Mdb<FeedImporter> importer = kit.deploy(FeedImporter.class);

        kit.producer(Producer.to("feed").routingKey("importer").serializer("raw").build())
                .publish(new byte[] {1, 2, 3});

        importer.awaitDeliveries(1);
        kit.awaitCount("feed.dead-letters", 1);
        List<Delivered> dead = kit.deadLetters("feed");
        assertEquals("io.warren.DecodeException", dead.get(0).header("x-warren-exception"));
        assertEquals(1, importer.failed().size());
        kit.awaitAcked("feed");
    }
}
