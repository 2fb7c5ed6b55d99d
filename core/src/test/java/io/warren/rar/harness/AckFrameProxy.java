package io.warren.rar.harness;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy in front of the real broker that reads the AMQP frames going to the broker and
 * notes every {@code basic.ack}, as sent on the wire: which channel, which tag, whether
 * {@code multiple}. Tests use it to see how a consumer batches its acks, which the broker's
 * counts (ready, unacked) cannot tell.
 */
public final class AckFrameProxy implements AutoCloseable {

    /** One {@code basic.ack} frame as it went to the broker. */
    public record Ack(int connection, int channel, long tag, boolean multiple) {
    }

    private static final int METHOD_FRAME = 1;
    private static final int FRAME_END = 0xCE;
    private static final int BASIC_CLASS = 60;
    private static final int BASIC_ACK = 80;

    private final ServerSocket server;
    private final List<Ack> acks = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();

    public AckFrameProxy() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for the proxy", e);
        }
        Thread acceptor = new Thread(this::accept, "ack-frame-proxy " + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return the port to connect to instead of the broker's */
    public int port() {
        return server.getLocalPort();
    }

    /** @return the acks sent through the proxy so far, in the order each connection sent them */
    public List<Ack> acks() {
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }

    private void accept() {
        int connections = 0;
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket("127.0.0.1", 5672);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(broker);
                }
                int connection = ++connections;
                start("to broker", client, broker, () -> readFrames(connection, client.getInputStream(),
                        broker.getOutputStream()));
                start("to client", broker, client, () -> copy(broker.getInputStream(), client.getOutputStream()));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private interface Pump {
        void run() throws IOException;
    }

    private void start(String direction, Socket from, Socket to, Pump pump) {
        Thread thread = new Thread(() -> {
            try {
                pump.run();
            } catch (IOException e) {
                // either side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "ack-frame-proxy " + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            out.write(buffer, 0, read);
            out.flush();
        }
    }

    /** The protocol header, then frames: type, channel, size, payload, frame-end (AMQP 0-9-1, 2.3.5). */
    private void readFrames(int connection, InputStream from, OutputStream to) throws IOException {
        DataInputStream in = new DataInputStream(from);
        byte[] header = new byte[8];
        in.readFully(header);
        to.write(header);
        to.flush();
        byte[] frameHeader = new byte[7];
        while (true) {
            in.readFully(frameHeader);
            ByteBuffer head = ByteBuffer.wrap(frameHeader);
            int type = head.get() & 0xFF;
            int channel = head.getShort() & 0xFFFF;
            int size = head.getInt();
            byte[] rest = new byte[size + 1];
            in.readFully(rest);
            if ((rest[size] & 0xFF) != FRAME_END) {
                throw new IOException("frame without its end octet: the proxy lost track of the frames");
            }
            if (type == METHOD_FRAME && size >= 13) {
                ByteBuffer payload = ByteBuffer.wrap(rest, 0, size);
                if (payload.getShort() == BASIC_CLASS && payload.getShort() == BASIC_ACK) {
                    Ack ack = new Ack(connection, channel, payload.getLong(), (payload.get() & 1) != 0);
                    synchronized (acks) {
                        acks.add(ack);
                    }
                }
            }
            to.write(frameHeader);
            to.write(rest);
            to.flush();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        synchronized (sockets) {
            sockets.forEach(AckFrameProxy::closeQuietly);
        }
    }
}
