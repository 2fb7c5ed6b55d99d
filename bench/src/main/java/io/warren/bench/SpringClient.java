package io.warren.bench;

import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import io.warren.bench.wildfly.app.PublishLoops;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spring AMQP as its reference guide has it: a {@link RabbitTemplate} over a
 * {@link CachingConnectionFactory} (channel cache {@value WarrenClient#POOL}, as Warren's pool),
 * correlated publisher confirms with a callback inside scoped operations (one channel per
 * publishing thread), and a {@link SimpleMessageListenerContainer} with
 * {@link AcknowledgeMode#AUTO} (the container acks each message when the listener returns).
 */
final class SpringClient implements Contender {

    private final CachingConnectionFactory plain = factory(false);
    private final CachingConnectionFactory confirming = factory(true);

    private static CachingConnectionFactory factory(boolean confirms) {
        CachingConnectionFactory factory = new CachingConnectionFactory("127.0.0.1", 5672);
        factory.setChannelCacheSize(WarrenClient.POOL);
        factory.setConnectionNameStrategy(f -> "bench-spring" + (confirms ? "-confirms" : ""));
        if (confirms) {
            factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        }
        return factory;
    }

    @Override
    public String name() {
        return "Spring AMQP";
    }

    private static Message message(byte[] body) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_BYTES);
        properties.setDeliveryMode(MessageDeliveryMode.NON_PERSISTENT);
        return new Message(body, properties);
    }

    @Override
    public Double publish(Publishing run) throws Exception {
        byte[] body = Meter.body(run.size());
        String queue = run.queue();
        RabbitTemplate template = new RabbitTemplate(run.confirms() ? confirming : plain);
        if (!run.confirms()) {
            return Meter.inThreads(run, (deadline, max) -> {
                long sent = 0;
                while (PublishLoops.goOn(sent, deadline, max)) {
                    template.send("", queue, message(body));
                    sent++;
                }
                return sent;
            });
        }
        int window = RawClient.CONFIRM_WINDOW * run.threads();
        Semaphore unconfirmed = new Semaphore(window);
        AtomicLong nacked = new AtomicLong();
        template.setConfirmCallback((correlation, ack, cause) -> {
            if (!ack) {
                nacked.incrementAndGet();
            }
            unconfirmed.release();
        });
        // scoped operations (the reference guide's advice for confirms): each thread keeps its channel, so
        // that a channel waiting for confirms is not given back to the cache and replaced at every send
        Meter.Sent sent = Meter.inThreads(run.threads(), run.seconds(), run.maxPerThread(),
                (deadline, max) -> template.invoke(operations -> {
            long published = 0;
            while (PublishLoops.goOn(published, deadline, max)) {
                try {
                    unconfirmed.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                operations.send("", queue, message(body), new CorrelationData());
                published++;
            }
            return published;
        }));
        if (!unconfirmed.tryAcquire(window, 30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Spring: messages never confirmed");
        }
        if (nacked.get() > 0) {
            throw new IllegalStateException("Spring: " + nacked.get() + " nacked");
        }
        return run.arrivals().rate(sent);
    }

    @Override
    public Double consume(String queue, int size, int count, int consumers, int prefetch) throws Exception {
        Meter.Deliveries deliveries = new Meter.Deliveries(count);
        SimpleMessageListenerContainer container = container(queue, consumers, prefetch);
        container.setMessageListener(message -> deliveries.hit());
        container.start();
        try {
            return deliveries.awaitRate(300);
        } finally {
            container.stop();
            container.destroy();
        }
    }

    private SimpleMessageListenerContainer container(String queue, int consumers, int prefetch) {
        SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(plain);
        container.setQueueNames(queue);
        container.setConcurrentConsumers(consumers);
        container.setPrefetchCount(prefetch);
        container.setAcknowledgeMode(AcknowledgeMode.AUTO);
        container.afterPropertiesSet();
        return container;
    }

    @Override
    public double[] latency(String queue, int size, int rate, double seconds, int prefetch) throws Exception {
        Meter.Latencies latencies = new Meter.Latencies(rate / 5);
        RabbitTemplate template = new RabbitTemplate(plain);
        SimpleMessageListenerContainer container = container(queue, 1, prefetch);
        container.setMessageListener(message -> latencies.record(message.getBody()));
        container.start();
        try {
            long sent = Meter.paced(size, rate, seconds, body -> template.send("", queue, message(body)));
            Meter.awaitAll(latencies, sent);
        } finally {
            container.stop();
            container.destroy();
        }
        return latencies.percentiles();
    }

    @Override
    public void close() {
        plain.destroy();
        confirming.destroy();
    }
}
