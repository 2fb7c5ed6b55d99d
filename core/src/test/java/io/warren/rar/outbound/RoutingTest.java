package io.warren.rar.outbound;

import io.warren.Binding;
import io.warren.Connection;
import io.warren.Exchange;
import io.warren.OutgoingMessage;
import io.warren.Queue;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.Harness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Publishes through Warren and reads back with basic.get what each exchange type routed where. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class RoutingTest {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(2);

    @AfterEach
    void cleanUp() {
        harness.close();
        broker.close();
    }

    private List<String> drain(Connection connection, String queue) {
        List<String> bodies = new ArrayList<>();
        connection.fetch(queue).ifPresent(first -> {
            bodies.add(first.payload(String.class));
            first.ack();
        });
        while (true) {
            var next = connection.fetch(queue);
            if (next.isEmpty()) {
                return bodies;
            }
            bodies.add(next.get().payload(String.class));
            next.get().ack();
        }
    }

    @Test
    void topicExchangeMatchesWordsAndHashes() {
        Exchange stocks = Exchange.topic(broker.exchangeName("stocks"));
        String queue = broker.queueName("stock");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(queue).bind(stocks, "*.stock.#").build());
            for (String key : List.of("usd.stock", "eur.stock.db", "stock.nasdaq")) {
                connection.publish(stocks.name(), OutgoingMessage.of(key).routingKey(key).build());
            }
            Broker.await("routed messages", java.time.Duration.ofSeconds(5), () -> broker.messageCount(queue) >= 2);
            assertEquals(List.of("usd.stock", "eur.stock.db"), drain(connection, queue));
        }
    }

    @Test
    void directExchangeRoutesByExactKey() {
        Exchange media = Exchange.direct(broker.exchangeName("media"));
        String video = broker.queueName("video");
        String image = broker.queueName("image");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(video).bind(media, "video").build());
            connection.declare(Queue.builder(image).bind(media, "image").build());
            connection.publish(media.name(), OutgoingMessage.of("v1").routingKey("video").build());
            connection.publish(media.name(), OutgoingMessage.of("i1").routingKey("image").build());
            connection.publish(media.name(), OutgoingMessage.of("x1").routingKey("video.hd").build());
            Broker.await("routed messages", java.time.Duration.ofSeconds(5),
                    () -> broker.messageCount(video) == 1 && broker.messageCount(image) == 1);
            assertEquals(List.of("v1"), drain(connection, video));
            assertEquals(List.of("i1"), drain(connection, image));
        }
    }

    @Test
    void fanoutExchangeCopiesToEveryQueue() {
        Exchange everyone = Exchange.fanout(broker.exchangeName("fanout"));
        String first = broker.queueName("fan1");
        String second = broker.queueName("fan2");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(first).bind(everyone).build());
            connection.declare(Queue.builder(second).bind(everyone, "ignored").build());
            connection.publish(everyone.name(), OutgoingMessage.of("hello").routingKey("whatever").build());
            Broker.await("copies", java.time.Duration.ofSeconds(5),
                    () -> broker.messageCount(first) == 1 && broker.messageCount(second) == 1);
            assertEquals(List.of("hello"), drain(connection, first));
            assertEquals(List.of("hello"), drain(connection, second));
        }
    }

    @Test
    void headersExchangeMatchesAllOrAny() {
        Exchange headers = Exchange.headers(broker.exchangeName("headers"));
        String all = broker.queueName("all");
        String any = broker.queueName("any");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.builder(all)
                    .bind(Binding.headers(headers, Binding.HeaderMatch.ALL, Map.of("format", "pdf", "type", "report")))
                    .build());
            connection.declare(Queue.builder(any)
                    .bind(Binding.headers(headers, Binding.HeaderMatch.ANY, Map.of("format", "pdf", "type", "log")))
                    .build());
            connection.publish(headers.name(), OutgoingMessage.of("both")
                    .header("format", "pdf").header("type", "report").build());
            connection.publish(headers.name(), OutgoingMessage.of("format only").header("format", "pdf").build());
            connection.publish(headers.name(), OutgoingMessage.of("neither").header("format", "zip").build());
            Broker.await("routed messages", java.time.Duration.ofSeconds(5),
                    () -> broker.messageCount(all) == 1 && broker.messageCount(any) == 2);
            assertEquals(List.of("both"), drain(connection, all));
            assertEquals(List.of("both", "format only"), drain(connection, any));
        }
    }

    @Test
    void defaultExchangeRoutesByQueueName() {
        String queue = broker.queueName("default");
        try (Connection connection = harness.factory().getConnection()) {
            connection.declare(Queue.named(queue));
            connection.publish("", OutgoingMessage.of("direct to queue").routingKey(queue).build());
            Broker.await("message", java.time.Duration.ofSeconds(5), () -> broker.messageCount(queue) == 1);
            assertEquals(List.of("direct to queue"), drain(connection, queue));
        }
    }
}
