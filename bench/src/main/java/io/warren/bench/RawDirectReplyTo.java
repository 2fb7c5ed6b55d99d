package io.warren.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The raw amqp-client asking as well as it can over direct reply-to: one channel consumes
 * {@code amq.rabbitmq.reply-to} (no ack) and publishes every request, whatever thread asks; a map of
 * futures by correlation id finds each reply's caller, so any number of requests are in flight on
 * that one channel. What an application would write by hand, and what Warren's reply consumer does
 * less its checks (transaction, declarations, flow control, timeouts, metrics).
 */
final class RawDirectReplyTo implements AutoCloseable {

    private static final String DIRECT_REPLY_TO = "amq.rabbitmq.reply-to";

    private final Channel channel;
    private final String queue;
    private final Map<String, CompletableFuture<byte[]>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    RawDirectReplyTo(Connection connection, String queue) throws IOException {
        this.channel = connection.createChannel();
        this.queue = queue;
        channel.basicConsume(DIRECT_REPLY_TO, true, (tag, reply) -> {
            CompletableFuture<byte[]> caller = waiting.remove(reply.getProperties().getCorrelationId());
            if (caller != null) {
                caller.complete(reply.getBody());
            }
        }, tag -> { });
    }

    /** @return the reply's body; waits at most 30 s */
    byte[] call(byte[] body) throws Exception {
        String id = Long.toString(ids.incrementAndGet());
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        waiting.put(id, reply);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().correlationId(id)
                .replyTo(DIRECT_REPLY_TO).contentType("application/octet-stream").build();
        synchronized (channel) {
            channel.basicPublish("", queue, properties, body);
        }
        try {
            return reply.get(30, TimeUnit.SECONDS);
        } finally {
            waiting.remove(id);
        }
    }

    @Override
    public void close() throws IOException, TimeoutException {
        channel.close();
    }
}
