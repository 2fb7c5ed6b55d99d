package io.warren.examples.media;

import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

/** The media sender: one producer to the durable direct exchange {@code media}, choosing the queue by routing key. */
@Stateless
public class MediaService {

    @Inject
    @PublishTo(exchange = "media", routingKey = "video")
    Producer media;

    /** Publishes the file with the producer's default key, {@code video}. */
    public void publishVideo(MediaFile file) {
        media.publish(file);
    }

    /** Publishes the file with the key {@code image}. */
    public void publishImage(MediaFile file) {
        media.publish(file, "image");
    }
}
