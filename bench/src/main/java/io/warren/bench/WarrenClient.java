package io.warren.bench;

import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.bench.wildfly.app.PublishLoops;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.TestEndpointFactory;
import io.warren.rar.inbound.WarrenActivationSpec;

import java.util.function.Consumer;

/**
 * Warren in the container-free JCA harness: a connection factory behind a pool of
 * {@value #POOL} managed connections, publishing with a {@link Producer} (asynchronous confirms
 * through {@link Producer#publishConfirmed}), and an MDB-style
 * endpoint activated with container-managed ack (not transacted: ack when onMessage returns).
 */
final class WarrenClient implements Contender {

    static final int POOL = 8;

    private final Harness harness = new Harness(POOL);

    @Override
    public String name() {
        return "Warren";
    }

    @Override
    public Double publish(Publishing run) throws Exception {
        byte[] body = Meter.body(run.size());
        Producer producer = harness.factory().producer(Producer.to("").routingKey(run.queue()).build());
        return Meter.inThreads(run, (deadline, max) -> run.confirms()
                ? PublishLoops.confirmed(producer, body, deadline, max) : PublishLoops.plain(producer, body, deadline, max));
    }

    @Override
    public Double consume(String queue, int size, int count, int consumers, int prefetch) throws Exception {
        Meter.Deliveries deliveries = new Meter.Deliveries(count);
        try (Harness.Deployment deployment = deploy(queue, consumers, prefetch, message -> deliveries.hit())) {
            return deliveries.awaitRate(300);
        }
    }

    @Override
    public double[] latency(String queue, int size, int rate, double seconds, int prefetch) throws Exception {
        Meter.Latencies latencies = new Meter.Latencies(rate / 5);
        Producer producer = harness.factory().producer(Producer.to("").routingKey(queue).build());
        try (Harness.Deployment deployment = deploy(queue, 1, prefetch, message -> latencies.record(message.body()))) {
            long sent = Meter.paced(size, rate, seconds,
                    body -> producer.publish(OutgoingMessage.of(body).persistent(false).build()));
            Meter.awaitAll(latencies, sent);
        }
        return latencies.percentiles();
    }

    /** Deploys an MDB on the existing queue, as the EJB container would. */
    Harness.Deployment deploy(String queue, int consumers, int prefetch, Consumer<io.warren.Message> bean)
            throws Exception {
        return deploy(queue, consumers, prefetch, null, bean);
    }

    /** @param ackEvery the activation's {@code ackEvery}, or null for its default */
    Harness.Deployment deploy(String queue, int consumers, int prefetch, Integer ackEvery,
                              Consumer<io.warren.Message> bean) throws Exception {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        if (ackEvery != null) {
            spec.setAckEvery(ackEvery.toString());
        }
        spec.setQueue(queue);
        spec.setDeclare("false");
        spec.setConcurrency(Integer.toString(consumers));
        spec.setPrefetch(Integer.toString(prefetch));
        return harness.deploy(spec, new TestEndpointFactory(false, bean::accept));
    }

    Harness harness() {
        return harness;
    }

    @Override
    public void close() {
        harness.close();
    }
}
