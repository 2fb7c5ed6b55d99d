package io.warren.rar.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.testnode.Await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The real RabbitMQ on 127.0.0.1:5672, seen from the test's side: a plain amqp-client connection
 * to check what the broker holds, rabbitmqctl to stop and start it and for what AMQP does not
 * tell (unacknowledged counts, connections, alarms), and bounded waits.
 */
public final class Broker implements AutoCloseable {

    /**
     * The {@code @ResourceLock} of this broker, for test classes that run side by side: READ for a
     * class that uses it as any client does (queues, exchanges, users and connections of its own
     * names), READ_WRITE for one that changes it for everybody (stops it, raises an alarm, changes a
     * broker-wide setting, closes every connection). A class that touches no broker on 5672 (the
     * cluster test) holds none and runs beside either.
     */
    public static final String LOCK = "warren.broker";

    /** Persistent text/plain: the properties of the messages most inbound tests publish. */
    public static final AMQP.BasicProperties TEXT = new AMQP.BasicProperties.Builder()
            .contentType("text/plain").deliveryMode(2).build();

    private Connection connection;
    private final List<String> queues = new ArrayList<>();
    private final List<String> exchanges = new ArrayList<>();

    public Broker() {
        connection();
    }

    /** @return the checker's connection, reopened after a broker restart */
    private synchronized Connection connection() {
        if (connection == null || !connection.isOpen()) {
            try {
                ConnectionFactory factory = new ConnectionFactory();
                factory.setHost("127.0.0.1");
                factory.setAutomaticRecoveryEnabled(false);
                connection = factory.newConnection("warren-tests (checker)");
            } catch (Exception e) {
                throw new IllegalStateException("RabbitMQ must run on 127.0.0.1:5672 for these tests", e);
            }
        }
        return connection;
    }

    /** @return a name unique to this test run, remembered for clean-up as a queue */
    public String queueName(String hint) {
        String name = "warren.test." + hint + "." + UUID.randomUUID().toString().substring(0, 8);
        queues.add(name);
        return name;
    }

    /** Remembers a queue the adapter made, to delete it at clean-up. @return its name */
    public String cleanUpQueue(String name) {
        queues.add(name);
        return name;
    }

    /** @return a name unique to this test run, remembered for clean-up as an exchange */
    public String exchangeName(String hint) {
        String name = "warren.test." + hint + "." + UUID.randomUUID().toString().substring(0, 8);
        exchanges.add(name);
        return name;
    }

    /** @return a fresh channel; the caller closes it */
    public Channel channel() {
        try {
            return connection().createChannel();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long messageCount(String queue) {
        try (Channel channel = channel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (Exception e) {
            throw new IllegalStateException("cannot count messages in " + queue, e);
        }
    }

    /**
     * @return the queue's consumers as the broker counts them, -1 when there is no such queue. A
     *     passive declare, not rabbitmqctl: no process per poll. Not for streams, for which the
     *     broker always answers 0, nor for single-active-consumer quorum queues (it counts the active one).
     */
    public int consumerCount(String queue) {
        Channel channel = channel();
        try {
            return channel.queueDeclarePassive(queue).getConsumerCount();
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException closed
                    && closed.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == AMQP.NOT_FOUND) {
                return -1;
            }
            throw new UncheckedIOException("cannot count the consumers of " + queue, e);
        } finally {
            if (channel.isOpen()) {
                try {
                    channel.close();
                } catch (Exception closedMeanwhile) {
                    // the count is what matters: the channel goes with the connection
                }
            }
        }
    }

    /** Takes a message, acked, or null when there is none. */
    public GetResponse get(String queue) {
        try (Channel channel = channel()) {
            return channel.basicGet(queue, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot get from " + queue, e);
        }
    }

    public static String text(GetResponse response) {
        return new String(response.getBody(), StandardCharsets.UTF_8);
    }

    /** @return the queue's messages delivered to consumers and not yet acknowledged, as the broker counts them */
    public static int unacknowledged(String queue) {
        return count(queue, "messages_unacknowledged");
    }

    /**
     * @return the queue's messages ready for delivery, asked of rabbitmqctl: unlike {@link #messageCount},
     *     it answers under a memory alarm, when the broker no longer reads from this checker's connection
     */
    public static int ready(String queue) {
        return count(queue, "messages_ready");
    }

    private static int count(String queue, String column) {
        for (String line : rabbitmqctl("list_queues", "name", column).split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 2 && columns[0].equals(queue)) {
                return Integer.parseInt(columns[1]);
            }
        }
        throw new IllegalStateException("no queue " + queue);
    }

    /** Publishes raw bodies to the default exchange with confirms, as a plain client would. */
    public void publish(String queue, AMQP.BasicProperties properties, byte[]... bodies) {
        try (Channel channel = channel()) {
            channel.confirmSelect();
            for (byte[] body : bodies) {
                channel.basicPublish("", queue, properties, body);
            }
            channel.waitForConfirmsOrDie(30_000);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + queue, e);
        }
    }

    /** Publishes each text as a persistent text/plain message ({@link #TEXT}), with confirms. */
    public void publishText(String queue, String... texts) {
        byte[][] bodies = new byte[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            bodies[i] = texts[i].getBytes(StandardCharsets.UTF_8);
        }
        publish(queue, TEXT, bodies);
    }

    /** Runs rabbitmqctl with the arguments and returns its output. */
    public static String rabbitmqctl(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("rabbitmqctl");
        command.add("-q");
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("rabbitmqctl " + arguments[0] + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return how many channels the broker has open on connections whose name starts with the prefix */
    public static int channelsOfConnectionsNamed(String prefix) {
        String json = rabbitmqctl("list_connections", "client_properties", "channels", "--formatter", "json");
        try {
            int channels = 0;
            for (JsonNode connection : new ObjectMapper().readTree(json.substring(json.indexOf('[')))) {
                for (JsonNode property : connection.get("client_properties")) {
                    if (property.get(0).asText().equals("connection_name")
                            && property.get(2).asText().startsWith(prefix)) {
                        channels += connection.get("channels").asInt();
                    }
                }
            }
            return channels;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read rabbitmqctl's connection list: " + json, e);
        }
    }

    /** @return how many connections the broker has whose name starts with the prefix */
    public static int connectionsNamed(String prefix) {
        String json = rabbitmqctl("list_connections", "client_properties", "--formatter", "json");
        try {
            int connections = 0;
            for (JsonNode connection : new ObjectMapper().readTree(json.substring(json.indexOf('[')))) {
                for (JsonNode property : connection.get("client_properties")) {
                    if (property.get(0).asText().equals("connection_name")
                            && property.get(2).asText().startsWith(prefix)) {
                        connections++;
                    }
                }
            }
            return connections;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read rabbitmqctl's connection list: " + json, e);
        }
    }

    /** Closes, on the broker's side, every connection whose name starts with the prefix. @return how many */
    public static int closeConnectionsNamed(String prefix, String reason) {
        // the plain listing shows pids as close_connection takes them (the JSON one does not)
        List<String> pids = new ArrayList<>();
        for (String line : rabbitmqctl("-q", "list_connections", "pid", "client_properties").split("\n")) {
            if (line.startsWith("<") && line.contains("{\"connection_name\",\"" + prefix)) {
                pids.add(line.substring(0, line.indexOf('>') + 1));
            }
        }
        pids.forEach(pid -> rabbitmqctl("close_connection", pid, reason));
        return pids.size();
    }

    /**
     * Starts the broker application if a test left it stopped (a failure between its stop_app and
     * start_app): a closed AMQP port says so without the second of CPU a rabbitmqctl call costs.
     */
    public static void startAppIfStopped() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5672), 5_000);
            return;
        } catch (IOException stopped) {
            // nothing listens: the application is stopped
        }
        rabbitmqctl("start_app");
        rabbitmqctl("await_startup");
    }

    /** @return whether the broker's memory alarm is raised */
    public static boolean memoryAlarm() {
        return rabbitmqctl("eval", "rabbit_alarm:get_alarms().").contains("memory");
    }

    /** Waits until the condition holds, failing after the timeout. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(what, timeout, condition, () -> "");
    }

    /** Waits until the condition holds, failing after the timeout with what the state then was ({@link Await}). */
    public static void await(String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
        Await.until(what, timeout, condition, state);
    }

    /** Deletes what the test named, even when the test failed. */
    @Override
    public void close() {
        try (Channel channel = channel()) {
            for (String queue : queues) {
                channel.queueDelete(queue);
            }
            for (String exchange : exchanges) {
                channel.exchangeDelete(exchange);
            }
        } catch (Exception e) {
            // the broker is being restarted by a test: nothing more can be cleaned
        } finally {
            try {
                connection().close();
            } catch (Exception ignored) {
                // already closed by a broker restart
            }
        }
    }
}
