package io.warren.examples.media;

import io.warren.Message;
import io.warren.Producer;
import io.warren.test.Mdb;
import io.warren.test.WarrenTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The media example: one MDB on two queues, each bound by its own name; the service picks the queue by key. */
class MediaConsumerTest {

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
    void aVideoReachesTheVideoQueueAndAnImageTheImageQueue() {
        Mdb<MediaConsumer> consumer = kit.deploy(MediaConsumer.class);
        MediaService service = new MediaService();
        service.media = kit.producer(Producer.to("media").routingKey("video").build());

        service.publishVideo(new MediaFile("/tmp/lolcat1.avi", 1301013));
        service.publishImage(new MediaFile("/tmp/lolcat1.png", 1024));

        consumer.awaitDeliveries(2);
        Map<String, MediaFile> byQueue = consumer.succeeded().stream()
                .collect(Collectors.toMap(Message::queue, message -> message.payload(MediaFile.class)));
        assertEquals(Map.of("video", new MediaFile("/tmp/lolcat1.avi", 1301013),
                "image", new MediaFile("/tmp/lolcat1.png", 1024)), byQueue);
        kit.awaitAcked("video");
        kit.awaitAcked("image");
    }
}
