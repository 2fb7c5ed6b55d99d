package io.warren.test.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;

/**
 * Runs a scenario on one broker through the amqp-client and writes down everything a client can
 * observe: what each get returned, the returns, the confirms, the channel error, and then what
 * each queue holds, in order, with redelivered flags, keys and dead-letter headers.
 */
final class ScenarioRunner {

    private ScenarioRunner() {
    }

    /** What a client saw, and how many messages each queue held at the end. */
    record Result(List<String> observed, Map<String, Integer> counts) {
    }

    /** Waits until the broker has finished what it does asynchronously (dead-lettering). */
    interface Settler {
        void settle(Connection connection, List<String> queues) throws IOException, InterruptedException;
    }

    static Result run(Connection connection, Scenario scenario, Settler settler)
            throws IOException, TimeoutException, InterruptedException {
        List<String> observed = new ArrayList<>();
        Channel channel = connection.createChannel();
        List<String> returns = Collections.synchronizedList(new ArrayList<>());
        SortedMap<Long, String> confirms = Collections.synchronizedSortedMap(new TreeMap<>());
        channel.addReturnListener(r -> returns.add("return " + r.getReplyCode() + " " + r.getExchange() + " '"
                + r.getRoutingKey() + "' " + new String(r.getBody(), StandardCharsets.UTF_8)));
        channel.addConfirmListener((tag, multiple) -> confirm(confirms, tag, multiple, "ack"),
                (tag, multiple) -> confirm(confirms, tag, multiple, "nack"));
        channel.confirmSelect();
        try {
            for (Scenario.Op op : scenario.ops) {
                apply(channel, op, observed);
            }
            channel.waitForConfirms(10_000);
            observed.addAll(returns);
            observed.add("confirms " + confirms);
        } catch (IOException | ShutdownSignalException e) {
            // confirms and returns still due when a channel error closes the channel are lost, in RabbitMQ as they come
            observed.add("channel closed: " + closeReason(channel, e));
        }
        Channel reader = connection.createChannel();
        List<String> all = new ArrayList<>(scenario.queues);
        if (scenario.deadLettering) {
            all.add(scenario.dlq());
        }
        settler.settle(connection, all);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String queue : all) {
            counts.put(queue, count(connection, queue));
        }
        for (String queue : all) {
            observed.addAll(drain(reader, queue, queue.equals(scenario.dlq())));
        }
        reader.close();
        if (channel.isOpen()) {
            channel.close();
        }
        return new Result(observed, counts);
    }

    private static void confirm(SortedMap<Long, String> confirms, long tag, boolean multiple, String what) {
        if (multiple) {
            for (long each = 1; each <= tag; each++) {
                confirms.putIfAbsent(each, what);
            }
        } else {
            confirms.put(tag, what);
        }
    }

    /** @return the queue's message count, or -1 when it does not exist */
    static int count(Connection connection, String queue) throws IOException {
        Channel channel = connection.createChannel();
        try {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException e) {
            return -1;
        } finally {
            if (channel.isOpen()) {
                try {
                    channel.close();
                } catch (TimeoutException | IOException ignored) {
                    // counted already
                }
            }
        }
    }

    private static String closeReason(Channel channel, Exception e) {
        ShutdownSignalException signal = channel.getCloseReason();
        for (Throwable cause = e; signal == null && cause != null; cause = cause.getCause()) {
            if (cause instanceof ShutdownSignalException shutdown) {
                signal = shutdown;
            }
        }
        if (signal == null) {
            return e.toString();
        }
        if (signal.getReason() instanceof AMQP.Channel.Close close) {
            return close.getReplyCode() + " on " + close.getClassId() + "." + close.getMethodId();
        }
        if (signal.getReason() instanceof AMQP.Connection.Close close) {
            return "connection " + close.getReplyCode();
        }
        return signal.getMessage();
    }

    @SuppressWarnings("unchecked")
    private static void apply(Channel channel, Scenario.Op op, List<String> observed) throws IOException {
        List<Object> a = op.args();
        switch (op.kind()) {
            case "exchange" -> channel.exchangeDeclare((String) a.get(0), (String) a.get(1), false, false,
                    table((Map<String, Object>) a.get(2)));
            case "queue" -> channel.queueDeclare((String) a.get(0), false, false, false,
                    table((Map<String, Object>) a.get(1)));
            case "bind" -> channel.queueBind((String) a.get(0), (String) a.get(1), (String) a.get(2),
                    table((Map<String, Object>) a.get(3)));
            case "xbind" -> channel.exchangeBind((String) a.get(0), (String) a.get(1), (String) a.get(2),
                    table((Map<String, Object>) a.get(3)));
            case "publish" -> {
                AMQP.BasicProperties.Builder properties = new AMQP.BasicProperties.Builder()
                        .headers(table((Map<String, Object>) a.get(3)));
                if (!((String) a.get(4)).isEmpty()) {
                    properties.expiration((String) a.get(4));
                }
                channel.basicPublish((String) a.get(0), (String) a.get(1), (Boolean) a.get(2), properties.build(),
                        ((String) a.get(5)).getBytes(StandardCharsets.UTF_8));
            }
            case "get" -> {
                GetResponse got = channel.basicGet((String) a.get(0), false);
                if (got == null) {
                    observed.add("get " + a.get(0) + ": empty");
                    return;
                }
                observed.add("get " + a.get(0) + ": " + describe(got, false));
                long tag = got.getEnvelope().getDeliveryTag();
                switch ((String) a.get(1)) {
                    case "ack" -> channel.basicAck(tag, false);
                    case "nack-requeue" -> channel.basicNack(tag, false, true);
                    case "nack-drop" -> channel.basicNack(tag, false, false);
                    case "reject-requeue" -> channel.basicReject(tag, true);
                    case "reject-drop" -> channel.basicReject(tag, false);
                    default -> {
                        channel.basicReject(tag, true);
                        GetResponse again = channel.basicGet((String) a.get(0), false);
                        observed.add("again: " + (again == null ? "empty" : describe(again, false)));
                        if (again != null) {
                            channel.basicReject(again.getEnvelope().getDeliveryTag(), false);
                        }
                    }
                }
            }
            case "ack" -> {
                channel.basicAck((Long) a.get(0), false);
                channel.basicQos(0); // a synchronous call, so that the error shows here
            }
            default -> throw new IllegalArgumentException(op.kind());
        }
    }

    private static Map<String, Object> table(Map<String, Object> generated) {
        Map<String, Object> table = new LinkedHashMap<>();
        generated.forEach((key, value) -> table.put(key, value instanceof Scenario.VoidValue ? null : value));
        return table;
    }

    private static List<String> drain(Channel channel, String queue, boolean byDeadLetterSource) throws IOException {
        List<String> lines = new ArrayList<>();
        Map<String, List<String>> bySource = new TreeMap<>();
        while (true) {
            GetResponse got = channel.basicGet(queue, true);
            if (got == null) {
                break;
            }
            String line = describe(got, true);
            if (byDeadLetterSource) {
                // dead letters from different queues race each other in RabbitMQ: only each source's order counts
                Object deaths = got.getProps().getHeaders() == null ? null : got.getProps().getHeaders().get("x-death");
                String source = deaths instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first
                        ? String.valueOf(first.get("queue")) : "";
                bySource.computeIfAbsent(source, s -> new ArrayList<>()).add(line);
            } else {
                lines.add(queue + ": " + line);
            }
        }
        bySource.forEach((source, dead) -> dead.forEach(line -> lines.add(queue + " from " + source + ": " + line)));
        return lines;
    }

    private static String describe(GetResponse got, boolean withHeaders) {
        StringBuilder text = new StringBuilder(new String(got.getBody(), StandardCharsets.UTF_8));
        text.append(got.getEnvelope().isRedeliver() ? " redelivered" : "")
                .append(" via ").append(got.getEnvelope().getExchange())
                .append(" '").append(got.getEnvelope().getRoutingKey()).append("'");
        if (got.getProps().getExpiration() != null) {
            text.append(" expiration=").append(got.getProps().getExpiration());
        }
        if (withHeaders && got.getProps().getHeaders() != null) {
            Map<String, Object> headers = new TreeMap<>();
            got.getProps().getHeaders().forEach((key, value) -> headers.put(key, normalise(value)));
            text.append(" ").append(headers);
        }
        return text.toString();
    }

    private static Object normalise(Object value) {
        Object plain = Values.plain(value);
        if (plain instanceof List<?> list) {
            List<Object> items = new ArrayList<>();
            list.forEach(item -> items.add(normalise(item)));
            return items;
        }
        if (plain instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, item) -> {
                if (!"time".equals(key)) {
                    sorted.put(String.valueOf(key), normalise(item));
                }
            });
            return sorted;
        }
        return plain == null ? "void" : plain + ":" + plain.getClass().getSimpleName();
    }
}
