package io.warren.test.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Command;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.TrafficListener;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a {@link ConsumerScenario} on one broker, on a connection of its own, and writes down what
 * a client observes after each step: what each consumer was delivered (tag, body, redelivered,
 * {@code x-delivery-count}), what gets returned, which tag a settlement named, channel closes
 * with their reply codes, and each queue's ready count; at the end what each queue holds.
 *
 * <p>A step is over when the broker has done what it does in answer: on the in-memory broker,
 * which sends a step's deliveries before it answers the next call, after a round trip on each
 * channel and once the client has dispatched every delivery it read; on RabbitMQ, whose queues
 * deliver asynchronously, once the deliveries and ready counts equal the in-memory broker's at
 * that step, waited for with a bound (after a step that never matches, no more waits: the cases
 * differ already).
 */
final class ConsumerScenarioRunner {

    private static final long STEP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** After a step: how many deliveries each consumer has had, and each queue's ready count. */
    record Step(Map<String, Integer> delivered, Map<String, Integer> ready) {
    }

    record Result(List<String> observed, List<Step> steps) {
    }

    /** One channel of the scenario while it is open: the tags it was given, its consumer. */
    private static final class Open {
        final Channel channel;
        final NavigableSet<Long> tags = new ConcurrentSkipListSet<>();
        String consumer;

        Open(Channel channel) {
            this.channel = channel;
        }
    }

    private final ConsumerScenario scenario;
    private final List<Step> expected;
    private final Map<String, AtomicInteger> read = new ConcurrentHashMap<>();
    private final Map<String, List<String>> delivered = new ConcurrentHashMap<>();
    private final Map<String, Integer> reported = new TreeMap<>();
    private final Open[] channels = new Open[ConsumerScenario.CHANNELS];
    private final List<String> observed = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private final List<String> all = new ArrayList<>();
    private Connection connection;
    private Channel inspector;
    private int consumers;
    private boolean waiting = true;

    private ConsumerScenarioRunner(ConsumerScenario scenario, List<Step> expected) {
        this.scenario = scenario;
        this.expected = expected;
        all.addAll(scenario.queues);
        if (scenario.deadLettering) {
            all.add(scenario.dlq());
        }
    }

    /**
     * @param factory  a factory for this run alone (it gets a traffic listener)
     * @param expected the in-memory broker's steps, to wait for on RabbitMQ; null on the in-memory broker
     */
    static Result run(ConnectionFactory factory, ConsumerScenario scenario, List<Step> expected)
            throws IOException, TimeoutException {
        ConsumerScenarioRunner runner = new ConsumerScenarioRunner(scenario, expected);
        factory.setTrafficListener(runner.new DeliveryCounter());
        runner.connection = factory.newConnection("warren-test differential consumers");
        try {
            runner.runAll();
        } finally {
            runner.connection.abort();
        }
        return new Result(runner.observed, runner.steps);
    }

    /** Counts the deliveries the client has read, before it dispatches them to the consumer. */
    private final class DeliveryCounter implements TrafficListener {
        @Override
        public void write(Command outbound) {
        }

        @Override
        public void read(Command inbound) {
            if (inbound.getMethod() instanceof AMQP.Basic.Deliver deliver) {
                read.computeIfAbsent(deliver.getConsumerTag(), tag -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    private void runAll() throws IOException, TimeoutException {
        Channel setup = connection.createChannel();
        if (scenario.deadLettering) {
            setup.queueDeclare(scenario.dlq(), false, false, false, null);
        }
        for (String queue : scenario.queues) {
            setup.queueDeclare(queue, scenario.quorum(queue), false, false, scenario.arguments.get(queue));
        }
        Channel publisher = connection.createChannel();
        publisher.confirmSelect();
        inspector = connection.createChannel();
        for (int i = 0; i < scenario.ops.size(); i++) {
            Scenario.Op op = scenario.ops.get(i);
            observed.add("#" + i + " " + op);
            apply(op, publisher);
            endStep(i);
        }
        int step = scenario.ops.size();
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] != null) {
                // one at a time: RabbitMQ may hand what one gives back to the other's consumer
                observed.add("#" + step + " close " + i);
                close(i);
                endStep(step++);
            }
        }
        for (String queue : all) {
            drain(queue);
        }
    }

    private void apply(Scenario.Op op, Channel publisher) throws IOException {
        List<Object> a = op.args();
        if (op.kind().equals("publish")) {
            publisher.basicPublish("", (String) a.get(0), null, ((String) a.get(1)).getBytes(StandardCharsets.UTF_8));
            try {
                if (!publisher.waitForConfirms(10_000)) {
                    observed.add("publish nacked");
                }
            } catch (InterruptedException | TimeoutException e) {
                observed.add("publish unconfirmed: " + e);
            }
            return;
        }
        int number = (Integer) a.get(0);
        if ((op.kind().equals("cancel") || op.kind().equals("close")) && channels[number] == null) {
            observed.add("channel " + number + " not open");
            return;
        }
        Open open = channel(number);
        try {
            switch (op.kind()) {
                case "qos" -> open.channel.basicQos((Integer) a.get(1));
                case "consume" -> consume(open, (String) a.get(1), (Boolean) a.get(2));
                case "cancel" -> {
                    if (open.consumer == null) {
                        observed.add("no consumer");
                    } else {
                        open.channel.basicCancel(open.consumer);
                        open.consumer = null;
                    }
                }
                case "get" -> {
                    GetResponse got = open.channel.basicGet((String) a.get(1), false);
                    if (got != null) {
                        open.tags.add(got.getEnvelope().getDeliveryTag());
                    }
                    observed.add("got " + (got == null ? "empty" : describe(got.getEnvelope().getDeliveryTag(),
                            got.getEnvelope().isRedeliver(), got.getProps(), got.getBody())));
                }
                case "ack", "nack", "reject" -> settle(open, op.kind(), a);
                case "recover" -> open.channel.basicRecover(true);
                case "close" -> close(number);
                default -> throw new IllegalArgumentException(op.kind());
            }
        } catch (IOException | ShutdownSignalException e) {
            closedBy(number, e);
        }
    }

    private Open channel(int number) throws IOException {
        if (channels[number] == null) {
            channels[number] = new Open(connection.createChannel());
        }
        return channels[number];
    }

    private void consume(Open open, String queue, boolean noAck) throws IOException {
        String tag = "c" + consumers++;
        delivered.put(tag, Collections.synchronizedList(new ArrayList<>()));
        open.channel.basicConsume(queue, noAck, tag, (consumerTag, delivery) -> received(open, consumerTag, delivery),
                consumerTag -> delivered.get(consumerTag).add("cancelled by the broker"));
        open.consumer = tag;
    }

    private void received(Open open, String consumerTag, Delivery delivery) {
        long tag = delivery.getEnvelope().getDeliveryTag();
        open.tags.add(tag);
        delivered.get(consumerTag).add(describe(tag, delivery.getEnvelope().isRedeliver(), delivery.getProperties(),
                delivery.getBody()));
    }

    /** Names a tag from what the channel was given so far, settles it, and makes a channel error show at once. */
    private void settle(Open open, String kind, List<Object> a) throws IOException {
        String which = (String) a.get(1);
        int offset = (Integer) a.get(2);
        boolean multiple = (Boolean) a.get(3);
        boolean requeue = (Boolean) a.get(4);
        List<Long> given = new ArrayList<>(open.tags);
        long last = given.isEmpty() ? 0 : given.get(given.size() - 1);
        long tag = switch (which) {
            case "last" -> given.isEmpty() ? 1 : last;
            case "earlier" -> given.isEmpty() ? 1 : given.get(Math.max(0, given.size() - 1 - offset));
            case "unknown" -> last + offset;
            default -> 0;
        };
        observed.add(kind + " tag " + tag);
        switch (kind) {
            case "ack" -> open.channel.basicAck(tag, multiple);
            case "nack" -> open.channel.basicNack(tag, multiple, requeue);
            default -> open.channel.basicReject(tag, requeue);
        }
        roundTrip(open);
    }

    private static void roundTrip(Open open) throws IOException {
        open.channel.exchangeDeclarePassive("amq.direct");
    }

    private void close(int number) {
        try {
            channels[number].channel.close();
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            observed.add("channel " + number + " close failed: " + e);
        }
        channels[number] = null;
    }

    private void closedBy(int number, Exception e) {
        Channel channel = channels[number].channel;
        ShutdownSignalException signal = channel.getCloseReason();
        String reason = e.toString();
        if (signal != null && signal.getReason() instanceof AMQP.Channel.Close close) {
            reason = close.getReplyCode() + " on " + close.getClassId() + "." + close.getMethodId();
        } else if (signal != null && signal.getReason() instanceof AMQP.Connection.Close close) {
            reason = "connection " + close.getReplyCode();
        }
        observed.add("channel " + number + " closed: " + reason);
        channels[number] = null;
    }

    /** Waits for the step to be over, then writes down what it delivered and the ready counts. */
    private void endStep(int index) throws IOException {
        for (int i = 0; i < channels.length; i++) {
            if (channels[i] != null) {
                try {
                    roundTrip(channels[i]);
                } catch (IOException | ShutdownSignalException e) {
                    closedBy(i, e);
                }
            }
        }
        Step wanted = expected == null || index >= expected.size() ? null : expected.get(index);
        long deadline = System.nanoTime() + STEP_WAIT_NANOS;
        Step step;
        while (true) {
            // dispatched before the snapshot: a delivery dispatched in between would be missing from it
            boolean caughtUp = dispatched();
            step = snapshot();
            if (caughtUp && (wanted == null || !waiting || step.equals(wanted))) {
                break;
            }
            if (System.nanoTime() > deadline) {
                waiting = false;
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        steps.add(step);
        for (Map.Entry<String, Integer> count : step.delivered().entrySet()) {
            int before = reported.getOrDefault(count.getKey(), 0);
            if (count.getValue() > before) {
                List<String> lines = delivered.get(count.getKey());
                synchronized (lines) {
                    observed.add(count.getKey() + " " + List.copyOf(lines.subList(before, count.getValue())));
                }
                reported.put(count.getKey(), count.getValue());
            }
        }
        observed.add("ready " + step.ready());
    }

    /** @return whether every delivery the client read has reached its consumer */
    private boolean dispatched() {
        return read.entrySet().stream().allMatch(e -> delivered.get(e.getKey()) != null
                && delivered.get(e.getKey()).size() >= e.getValue().get());
    }

    private Step snapshot() throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        delivered.forEach((consumer, lines) -> counts.put(consumer, lines.size()));
        Map<String, Integer> ready = new TreeMap<>();
        for (String queue : all) {
            ready.put(queue.substring(scenario.prefix.length()), inspector.queueDeclarePassive(queue).getMessageCount());
        }
        return new Step(counts, ready);
    }

    private void drain(String queue) throws IOException {
        List<String> lines = new ArrayList<>();
        GetResponse got;
        while ((got = inspector.basicGet(queue, true)) != null) {
            String line = describe(got.getEnvelope().getDeliveryTag(), got.getEnvelope().isRedeliver(), got.getProps(),
                    got.getBody());
            lines.add(line.substring(0, line.indexOf(" #")) + death(got.getProps()));
        }
        observed.add(queue.substring(scenario.prefix.length()) + " holds " + lines);
    }

    private static String describe(long tag, boolean redelivered, AMQP.BasicProperties properties, byte[] body) {
        Object count = properties.getHeaders() == null ? null : properties.getHeaders().get("x-delivery-count");
        return new String(body, StandardCharsets.UTF_8) + (redelivered ? " redelivered" : "")
                + (count == null ? "" : " x-delivery-count=" + count) + " #" + tag;
    }

    private static String death(AMQP.BasicProperties properties) {
        Object deaths = properties.getHeaders() == null ? null : properties.getHeaders().get("x-death");
        if (deaths instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first) {
            return " dead " + first.get("reason") + " from " + first.get("queue") + " x" + first.get("count");
        }
        return "";
    }
}
