package io.warren.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.warren.bench.wildfly.app.PublishLoops;

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
 * acks each message as it handles it ({@code basicAck(tag, false)}). A second instance publishes
 * with a connection per thread instead ({@link #PER_THREAD_NAME}; publishing only): one connection
 * is one socket and one reader process in the broker, which limits large messages, while more
 * connections cost more at small sizes, so the report holds Warren to the better of the two.
 */
final class RawClient implements Contender {

    static final AMQP.BasicProperties TRANSIENT = new AMQP.BasicProperties.Builder()
            .contentType("application/octet-stream").deliveryMode(1).build();
    static final String PER_THREAD_NAME = "amqp-client, connection per thread";
    /** Unconfirmed messages one publishing thread may have in flight. */
    static final int CONFIRM_WINDOW = io.warren.bench.wildfly.app.PublishLoops.CONFIRM_WINDOW;

    private final Connection connection;
    /** Publishing connections, one per thread, or none when the threads' channels share {@link #connection}. */
    private final List<Connection> perThread = new ArrayList<>();

    RawClient() throws Exception {
        this(0);
    }

    /** @param publishingConnections 0 for one connection with a channel per thread, else a connection per thread */
    RawClient(int publishingConnections) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setAutomaticRecoveryEnabled(false);
        connection = factory.newConnection("bench-raw");
        for (int i = 0; i < publishingConnections; i++) {
            perThread.add(factory.newConnection("bench-raw-" + i));
        }
    }

    @Override
    public String name() {
        return perThread.isEmpty() ? "amqp-client" : PER_THREAD_NAME;
    }

    @Override
    public Double publish(Publishing run) throws Exception {
        byte[] body = Meter.body(run.size());
        String queue = run.queue();
        if (!perThread.isEmpty() && perThread.size() < run.threads()) {
            throw new IllegalArgumentException(perThread.size() + " connections for " + run.threads() + " threads");
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        return Meter.inThreads(run, (deadline, max) -> {
            Connection own = perThread.isEmpty() ? connection : perThread.get(next.getAndIncrement());
            try (Channel channel = own.createChannel()) {
                return run.confirms() ? publishConfirmed(channel, queue, body, deadline, max)
                        : publishPlain(channel, queue, body, deadline, max);
            }
        });
    }

    private static long publishPlain(Channel channel, String queue, byte[] body, long deadline, long max) throws IOException {
        long sent = 0;
        while (PublishLoops.goOn(sent, deadline, max)) {
            channel.basicPublish("", queue, TRANSIENT, body);
            sent++;
        }
        return sent;
    }

    /** The guide's "publishing messages asynchronously" strategy, with a bounded window of unconfirmed messages. */
    private static long publishConfirmed(Channel channel, String queue, byte[] body, long deadline, long max)
            throws Exception {
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
        while (PublishLoops.goOn(sent, deadline, max)) {
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
        if (!perThread.isEmpty()) {
            return null; // a publishing variant only
        }
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
        if (!perThread.isEmpty()) {
            return null; // a publishing variant only
        }
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

    @Override
    public void close() throws Exception {
        for (Connection own : perThread) {
            own.close();
        }
        connection.close();
    }
}
