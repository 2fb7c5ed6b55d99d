package io.warren.rar.inbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.warren.rar.messages.ReceivedMessage;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Sends a message that cannot be delivered to its dead-letter target, with the reason in its
 * headers: to the configured exchange, or else to the queue {@code <queue>.dead-letters}, declared
 * the first time one is needed. The original is acked only once the broker has confirmed the copy.
 */
final class DeadLetters {

    static final String REASON = "x-warren-reason";
    static final String EXCEPTION = "x-warren-exception";
    static final String EXCEPTION_MESSAGE = "x-warren-exception-message";
    static final String DELIVERIES = "x-warren-deliveries";
    static final String QUEUE = "x-warren-queue";
    static final String EXCHANGE = "x-warren-exchange";
    static final String ROUTING_KEY = "x-warren-routing-key";

    private static final int MAX_TEXT = 1024;
    private static final long CONFIRM_TIMEOUT_MILLIS = 30_000;

    private final String exchange;
    private final String routingKey;
    private final java.util.Set<String> declaredParkingQueues = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param exchange the configured dead-letter exchange, or null to park in {@code <queue>.dead-letters}
     * @param routingKey the configured routing key, or null for the message's own
     */
    DeadLetters(String exchange, String routingKey) {
        this.exchange = exchange;
        this.routingKey = routingKey;
    }

    /** @return where dead letters of that queue go, for the log */
    String target(String queue) {
        return exchange != null ? "exchange '" + exchange + "'" : "queue '" + parkingQueue(queue) + "'";
    }

    static String parkingQueue(String queue) {
        return queue + ".dead-letters";
    }

    /**
     * Publishes the copy and waits for the broker's confirm; the channel must be in confirm mode.
     *
     * @throws IOException when the copy is not confirmed: the caller must not ack the original
     */
    void send(Channel channel, ReceivedMessage message, String reason, Throwable failure, int deliveries)
            throws IOException {
        Map<String, Object> headers = new LinkedHashMap<>(message.properties().getHeaders() == null
                ? Map.of() : message.properties().getHeaders());
        headers.put(REASON, cut(reason));
        if (failure != null) {
            headers.put(EXCEPTION, failure.getClass().getName());
            headers.put(EXCEPTION_MESSAGE, cut(String.valueOf(failure.getMessage())));
        }
        headers.put(DELIVERIES, deliveries);
        headers.put(QUEUE, message.queue());
        headers.put(EXCHANGE, message.exchange());
        headers.put(ROUTING_KEY, message.routingKey());
        AMQP.BasicProperties properties = message.properties().builder().headers(headers).build();

        String targetExchange = exchange;
        String targetKey = routingKey != null ? routingKey : message.routingKey();
        if (targetExchange == null) {
            String parking = parkingQueue(message.queue());
            if (declaredParkingQueues.add(parking)) {
                channel.queueDeclare(parking, true, false, false, null);
            }
            targetExchange = "";
            targetKey = parking;
        }
        channel.basicPublish(targetExchange, targetKey, false, properties, message.rawBody());
        try {
            if (!channel.waitForConfirms(CONFIRM_TIMEOUT_MILLIS)) {
                throw new IOException("the broker nacked the dead letter");
            }
        } catch (TimeoutException e) {
            throw new IOException("no confirm for the dead letter within " + CONFIRM_TIMEOUT_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the dead letter's confirm", e);
        }
    }

    /** Keeps headers and log lines far below the frame size: no stack traces, at most 1 KiB of UTF-8. */
    static String cut(String text) {
        if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_TEXT) {
            return text;
        }
        String cut = text.substring(0, Math.min(text.length(), MAX_TEXT - 3));
        while (cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_TEXT - 3) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }
}
