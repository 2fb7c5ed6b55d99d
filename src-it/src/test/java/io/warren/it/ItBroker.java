package io.warren.it;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The local RabbitMQ seen from the test: a plain client to set up and inspect queues, and rabbitmqctl. */
final class ItBroker implements AutoCloseable {

    private final Connection connection;

    ItBroker() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        connection = factory.newConnection("warren-it (checker)");
    }

    /** Deletes and declares the queues afresh, so that each test starts from empty queues. */
    void resetQueues(String... queues) throws Exception {
        try (Channel channel = connection.createChannel()) {
            for (String queue : queues) {
                channel.queueDelete(queue);
                channel.queueDelete(queue + ".dead-letters");
                channel.queueDeclare(queue, true, false, false, null);
            }
        }
    }

    void delete(String... queues) throws Exception {
        try (Channel channel = connection.createChannel()) {
            for (String queue : queues) {
                channel.queueDelete(queue);
            }
        }
    }

    /**
     * Deletes every queue whose name starts with the prefix: what an interrupted earlier run left
     * behind (messages its MDBs never took, retry and dead-letter queues).
     */
    void deleteQueuesStartingWith(String prefix) throws Exception {
        for (String line : rabbitmqctl("list_queues", "name").split("\n")) {
            if (line.strip().startsWith(prefix)) {
                delete(line.strip());
            }
        }
    }

    void purge(String... queues) throws Exception {
        try (Channel channel = connection.createChannel()) {
            for (String queue : queues) {
                channel.queuePurge(queue);
            }
        }
    }

    void publish(String queue, String... texts) throws Exception {
        try (Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                    .contentType("text/plain").deliveryMode(2).build();
            for (String text : texts) {
                channel.basicPublish("", queue, properties, text.getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(30_000);
        }
    }

    long count(String queue) {
        try (Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (Exception e) {
            return -1;
        }
    }

    GetResponse get(String queue) throws Exception {
        try (Channel channel = connection.createChannel()) {
            return channel.basicGet(queue, true);
        }
    }

    /** @return the queue's first message, left in the queue, or null when it is empty or missing */
    GetResponse peek(String queue) {
        try (Channel channel = connection.createChannel()) {
            return channel.basicGet(queue, false); // closing the channel requeues it
        } catch (Exception e) {
            return null;
        }
    }

    List<GetResponse> drain(String queue) throws Exception {
        List<GetResponse> messages = new ArrayList<>();
        for (GetResponse response = get(queue); response != null; response = get(queue)) {
            messages.add(response);
        }
        return messages;
    }

    static String text(GetResponse response) {
        String body = new String(response.getBody(), StandardCharsets.UTF_8);
        return body.startsWith("\"") ? body.substring(1, body.length() - 1) : body;
    }

    static String rabbitmqctl(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("rabbitmqctl failed: " + output);
        }
        return output;
    }

    static int unacknowledged(String queue) throws Exception {
        for (String line : rabbitmqctl("list_queues", "name", "messages_unacknowledged").split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 2 && columns[0].equals(queue)) {
                return Integer.parseInt(columns[1]);
            }
        }
        return -1;
    }

    /** @return the queue's ready messages as rabbitmqctl counts them, which it does under a memory alarm too */
    static int ready(String queue) throws Exception {
        for (String line : rabbitmqctl("list_queues", "name", "messages_ready").split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 2 && columns[0].equals(queue)) {
                return Integer.parseInt(columns[1]);
            }
        }
        return -1;
    }

    /**
     * @return the consumers the broker counts on the queue, or -1 when there is no such queue: a
     *     passive declare (not for streams, for which the broker answers 0), not a rabbitmqctl process per poll
     */
    static int consumers(String queue) throws Exception {
        try (ItBroker broker = new ItBroker(); Channel channel = broker.connection.createChannel()) {
            return channel.queueDeclarePassive(queue).getConsumerCount();
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException closed
                    && closed.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == AMQP.NOT_FOUND) {
                return -1;
            }
            throw e;
        }
    }

    /** @return {@link #consumers}, or -1 when the broker cannot say now: for a condition polled by {@link #await} */
    static int consumersNow(String queue) {
        try {
            return consumers(queue);
        } catch (Exception e) {
            return -1;
        }
    }

    /** @return {@link #unacknowledged}, or -1 when rabbitmqctl cannot say now: for a condition polled by {@link #await} */
    static int unacknowledgedNow(String queue) {
        try {
            return unacknowledged(queue);
        } catch (Exception e) {
            return -1;
        }
    }

    void deleteExchanges(String... exchanges) throws Exception {
        try (Channel channel = connection.createChannel()) {
            for (String exchange : exchanges) {
                channel.exchangeDelete(exchange);
            }
        }
    }

    boolean exchangeExists(String exchange) {
        try (Channel channel = connection.createChannel()) {
            channel.exchangeDeclarePassive(exchange);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** Deletes every exchange whose name starts with the prefix (Celery declares one named as each queue it uses). */
    void deleteExchangesStartingWith(String prefix) throws Exception {
        for (String line : rabbitmqctl("list_exchanges", "name").split("\n")) {
            if (line.strip().startsWith(prefix)) {
                deleteExchanges(line.strip());
            }
        }
    }

    /** Closes, from the broker's side, every connection whose client-provided name contains the text. */
    static void closeConnectionsNamed(String text) throws Exception {
        // the plain listing names each process as rabbitmqctl takes it back (<rabbit@host.N.N.N>); the JSON one does not
        for (String line : rabbitmqctl("list_connections", "pid", "client_properties").split("\n")) {
            if (line.startsWith("<") && line.contains(text)) {
                rabbitmqctl("close_connection", line.substring(0, line.indexOf('>') + 1), "closed by a Warren test");
            }
        }
    }

    /** @return channels open on connections whose client-provided name contains the text */
    static int channelsOfConnectionsNamed(String text) throws Exception {
        String json = rabbitmqctl("list_connections", "client_properties", "channels", "--formatter", "json");
        int channels = 0;
        for (JsonNode connection : new ObjectMapper().readTree(json.substring(json.indexOf('[')))) {
            for (JsonNode property : connection.get("client_properties")) {
                if (property.get(0).asText().equals("connection_name") && property.get(2).asText().contains(text)) {
                    channels += connection.get("channels").asInt();
                }
            }
        }
        return channels;
    }

    /** @return connections whose client-provided name contains the text */
    static int connectionsNamed(String text) throws Exception {
        String json = rabbitmqctl("list_connections", "client_properties", "--formatter", "json");
        int connections = 0;
        for (JsonNode connection : new ObjectMapper().readTree(json.substring(json.indexOf('[')))) {
            for (JsonNode property : connection.get("client_properties")) {
                if (property.get(0).asText().equals("connection_name") && property.get(2).asText().contains(text)) {
                    connections++;
                }
            }
        }
        return connections;
    }

    /** Waits until the condition holds, failing after the timeout ({@link Await}: slow conditions are asked less often). */
    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Await.until(what, timeout, condition);
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
