package io.warren.test.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.impl.AMQCommand;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.LongStringHelper;
import com.rabbitmq.client.impl.Method;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection: reads AMQP 0-9-1 frames with the amqp-client's own codec, assembles
 * commands per channel and hands them to the channels; a writer thread sends what the broker
 * says back, in order, and heartbeats while idle.
 */
final class ServerConnection {

    private static final Logger LOG = Logger.getLogger(ServerConnection.class.getName());
    private static final int FRAME_MAX = 131072;
    private static final int HEARTBEAT_SECONDS = 60;

    private final Socket socket;
    private final VirtualHost host;
    private final InMemoryBroker broker;
    private final Map<Integer, ServerChannel> channels = new HashMap<>();
    private final Map<Integer, AMQCommand> assembling = new HashMap<>();
    private final BlockingQueue<Outgoing> outbox = new LinkedBlockingQueue<>();
    private volatile int frameMax = FRAME_MAX;
    private volatile int heartbeatSeconds;
    private volatile boolean closed;

    private record Outgoing(int channel, Method method, AMQP.BasicProperties properties, byte[] body, boolean last) {
    }

    ServerConnection(Socket socket, VirtualHost host, InMemoryBroker broker) {
        this.socket = socket;
        this.host = host;
        this.broker = broker;
    }

    void start(int id) {
        Thread reader = new Thread(this::read, "warren-memory-broker reader #" + id);
        Thread writer = new Thread(this::write, "warren-memory-broker writer #" + id);
        reader.setDaemon(true);
        writer.setDaemon(true);
        writer.start();
        reader.start();
    }

    private void read() {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()))) {
            byte[] header = new byte[8];
            in.readFully(header);
            if (header[0] != 'A' || header[1] != 'M' || header[2] != 'Q' || header[3] != 'P') {
                return;
            }
            send(0, new AMQImpl.Connection.Start(0, 9, serverProperties(), longString("PLAIN AMQPLAIN"),
                    longString("en_US")), null, null);
            while (!closed) {
                Frame frame = Frame.readFrom(in, () -> frameMax);
                if (frame == null || frame.getType() == AMQP.FRAME_HEARTBEAT) {
                    continue;
                }
                AMQCommand command = assembling.computeIfAbsent(frame.getChannel(), n -> new AMQCommand());
                if (command.handleFrame(frame)) {
                    assembling.remove(frame.getChannel());
                    handle(frame.getChannel(), command);
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            LOG.log(Level.FINE, "client went away", e);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "in-memory broker connection failed", e);
        } finally {
            shutDown();
        }
    }

    private void handle(int channelNumber, AMQCommand command) {
        Method method = command.getMethod();
        if (channelNumber == 0) {
            handleConnection(method);
            return;
        }
        long now = System.currentTimeMillis();
        synchronized (host) {
            ServerChannel channel = channels.get(channelNumber);
            if (method instanceof AMQP.Channel.Open) {
                if (channel != null) {
                    fail(AmqpError.connection(AmqpError.CHANNEL_ERROR, "second 'channel.open' seen"), method);
                    return;
                }
                channels.put(channelNumber, new ServerChannel(this, host, channelNumber));
                send(channelNumber, new AMQImpl.Channel.OpenOk(longString("")), null, null);
                return;
            }
            if (channel == null) {
                fail(AmqpError.connection(AmqpError.CHANNEL_ERROR, "expected 'channel.open'"), method);
                return;
            }
            channel.handle(command, now);
        }
    }

    private void handleConnection(Method method) {
        if (method instanceof AMQP.Connection.StartOk) {
            send(0, new AMQImpl.Connection.Tune(2047, FRAME_MAX, HEARTBEAT_SECONDS), null, null);
        } else if (method instanceof AMQP.Connection.TuneOk tune) {
            frameMax = tune.getFrameMax() == 0 ? FRAME_MAX : tune.getFrameMax();
            heartbeatSeconds = tune.getHeartbeat();
        } else if (method instanceof AMQP.Connection.Open) {
            send(0, new AMQImpl.Connection.OpenOk(""), null, null);
        } else if (method instanceof AMQP.Connection.Close) {
            closeChannels();
            outbox.add(new Outgoing(0, new AMQImpl.Connection.CloseOk(), null, null, true));
        } else if (method instanceof AMQP.Connection.CloseOk) {
            shutDown();
        }
    }

    /** A connection error: every channel ends and the client is told why. */
    void fail(AmqpError error, Method method) {
        closeChannels();
        outbox.add(new Outgoing(0, new AMQImpl.Connection.Close(error.code, error.getMessage(),
                method.protocolClassId(), method.protocolMethodId()), null, null, false));
    }

    void forget(ServerChannel channel) {
        channels.remove(channel.number, channel);
    }

    void send(int channel, Method method, AMQP.BasicProperties properties, byte[] body) {
        if (!closed) {
            outbox.add(new Outgoing(channel, method, properties, body, false));
        }
    }

    private void write() {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()))) {
            while (!closed) {
                long idle = heartbeatSeconds > 0 ? heartbeatSeconds * 500L : 1000L;
                Outgoing next = outbox.poll(idle, TimeUnit.MILLISECONDS);
                if (next == null) {
                    if (heartbeatSeconds > 0) {
                        new Frame(AMQP.FRAME_HEARTBEAT, 0).writeTo(out);
                        out.flush();
                    }
                    continue;
                }
                writeCommand(out, next);
                if (outbox.isEmpty()) {
                    out.flush();
                }
                if (next.last()) {
                    out.flush();
                    shutDown();
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, "client went away", e);
            shutDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void writeCommand(DataOutputStream out, Outgoing outgoing) throws IOException {
        outgoing.method().toFrame(outgoing.channel()).writeTo(out);
        if (outgoing.properties() == null) {
            return;
        }
        byte[] body = outgoing.body();
        outgoing.properties().toFrame(outgoing.channel(), body.length).writeTo(out);
        int fragment = frameMax - 8;
        ByteBuffer buffer = ByteBuffer.wrap(body);
        for (int offset = 0; offset < body.length; offset += fragment) {
            Frame.fromBodyFragment(outgoing.channel(), buffer, offset, Math.min(fragment, body.length - offset))
                    .writeTo(out);
        }
    }

    private void closeChannels() {
        long now = System.currentTimeMillis();
        synchronized (host) {
            for (ServerChannel channel : channels.values()) {
                channel.release(now);
            }
            channels.clear();
            host.connectionClosed(this);
        }
    }

    void shutDown() {
        if (closed) {
            return;
        }
        closeChannels();
        closed = true;
        broker.forget(this);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static Map<String, Object> serverProperties() {
        Map<String, Object> capabilities = new HashMap<>();
        for (String capability : new String[] {"publisher_confirms", "exchange_exchange_bindings", "basic.nack",
                "consumer_cancel_notify", "per_consumer_qos", "authentication_failure_close"}) {
            capabilities.put(capability, true);
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put("product", longString("Warren in-memory broker"));
        properties.put("version", longString("3.10.8"));
        properties.put("capabilities", capabilities);
        return properties;
    }

    private static LongString longString(String text) {
        return LongStringHelper.asLongString(text);
    }
}
