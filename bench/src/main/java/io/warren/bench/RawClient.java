package io.warren.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The amqp-client as its guide has it: one connection, one channel per thread, asynchronous
 * publisher confirms tracked in a sorted map of outstanding sequence numbers, and a consumer that
 * acks each message as it handles it ({@code basicAck(tag, false)}).
 */
final class RawClient implements Contender {

    static final AMQP.BasicProperties TRANSIENT = new AMQP.BasicProperties.Builder()
            .contentType("application/octet-stream").deliveryMode(1).build();
    /** Unconfirmed messages one publishing thread may have in flight. */
    static final int CONFIRM_WINDOW = io.warren.bench.wildfly.app.PublishLoops.CONFIRM_WINDOW;

    private final Connection connection;

    RawClient() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setAutomaticRecoveryEnabled(false);
        connection = factory.newConnection("bench-raw");
    }

    @Override
    public String name() {
        return "amqp-client";
    }

    @Override
    public Double publish(String queue, int size, int threads, boolean confirms, double seconds) throws Exception {
        byte[] body = Meter.body(size);
        return Meter.inThreads(threads, seconds, deadline -> {
            try (Channel channel = connection.createChannel()) {
                return confirms ? publishConfirmed(channel, queue, body, deadline) : publishPlain(channel, queue, body, deadline);
            }
        });
    }

    private static long publishPlain(Channel channel, String queue, byte[] body, long deadline) throws IOException {
        long sent = 0;
        while ((sent & 63) != 0 || System.nanoTime() < deadline) {
            channel.basicPublish("", queue, TRANSIENT, body);
            sent++;
        }
        return sent;
    }

    /** The guide's "publishing messages asynchronously" strategy, with a bounded window of unconfirmed messages. */
    private static long publishConfirmed(Channel channel, String queue, byte[] body, long deadline) throws Exception {
        channel.confirmSelect();
        ConcurrentNavigableMap<Long, Boolean> outstanding = new ConcurrentSkipListMap<>();
        Semaphore window = new Semaphore(CONFIRM_WINDOW);
        long[] nacked = new long[1];
        channel.addConfirmListener((tag, multiple) -> settle(outstanding, window, tag, multiple),
                (tag, multiple) -> {
                    synchronized (nacked) {
                        nacked[0]++;
                    }
                    settle(outstanding, window, tag, multiple);
                });
        long sent = 0;
        while ((sent & 63) != 0 || System.nanoTime() < deadline) {
            window.acquire();
            outstanding.put(channel.getNextPublishSeqNo(), Boolean.TRUE);
            channel.basicPublish("", queue, TRANSIENT, body);
            sent++;
        }
        if (!window.tryAcquire(CONFIRM_WINDOW, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(outstanding.size() + " messages never confirmed");
        }
        if (nacked[0] > 0) {
            throw new IllegalStateException(nacked[0] + " messages nacked");
        }
        return sent;
    }

    private static void settle(ConcurrentNavigableMap<Long, Boolean> outstanding, Semaphore window, long tag, boolean multiple) {
        if (multiple) {
            ConcurrentNavigableMap<Long, Boolean> confirmed = outstanding.headMap(tag, true);
            int count = confirmed.size();
            confirmed.clear();
            window.release(count);
        } else if (outstanding.remove(tag) != null) {
            window.release();
        }
    }

    @Override
    public Double consume(String queue, int size, int count, int consumers, int prefetch) throws Exception {
        Meter.Deliveries deliveries = new Meter.Deliveries(count);
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < consumers; i++) {
                Channel channel = connection.createChannel();
                channels.add(channel);
                channel.basicQos(prefetch);
                channel.basicConsume(queue, false, new DefaultConsumer(channel) {
                    @Override
                    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                                               byte[] body) throws IOException {
                        getChannel().basicAck(envelope.getDeliveryTag(), false);
                        deliveries.hit(); // after the ack: the last one is acked before the channel closes
                    }
                });
            }
            return deliveries.awaitRate(300);
        } finally {
            for (Channel channel : channels) {
                channel.close();
            }
        }
    }

    @Override
    public double[] latency(String queue, int size, int rate, double seconds, int prefetch) throws Exception {
        Meter.Latencies latencies = new Meter.Latencies(rate / 5);
        try (Channel consumer = connection.createChannel(); Channel producer = connection.createChannel()) {
            consumer.basicQos(prefetch);
            consumer.basicConsume(queue, false, new DefaultConsumer(consumer) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                                           byte[] body) throws IOException {
                    latencies.record(body);
                    try {
                        getChannel().basicAck(envelope.getDeliveryTag(), false);
                    } catch (com.rabbitmq.client.AlreadyClosedException lastOneAtClose) {
                        // the run is over: the broker drops the queue's content anyway
                    }
                }
            });
            long sent = Meter.paced(size, rate, seconds, body -> producer.basicPublish("", queue, TRANSIENT, body));
            Meter.awaitAll(latencies, sent);
        }
        return latencies.percentiles();
    }

    /** @return a channel for the benchmark's own chores (declare, fill, purge) */
    Connection connection() {
        return connection;
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
