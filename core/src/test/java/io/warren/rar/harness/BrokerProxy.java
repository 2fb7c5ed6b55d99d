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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the real broker (127.0.0.1:5672), for tests that must see or change
 * what goes over the wire. Each direction of each connection has a daemon thread of its own; a
 * subclass decides what a direction does with the bytes, by default copy them.
 */
abstract class BrokerProxy implements AutoCloseable {

    private static final int FRAME_END = 0xCE;

    private final String name;
    private final ServerSocket server;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private Thread acceptor;

    BrokerProxy(String name) {
        this.name = name;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for the proxy", e);
        }
    }

    /**
     * @return the port to connect to instead of the broker's; the proxy accepts from the first call
     *     on, once its subclass is fully made
     */
    public synchronized int port() {
        if (acceptor == null) {
            acceptor = new Thread(this::accept, name + " " + server.getLocalPort());
            acceptor.setDaemon(true);
            acceptor.start();
        }
        return server.getLocalPort();
    }

    /** @return the connections made through the proxy so far */
    public int connections() {
        return connections.get();
    }

    /** Pumps what the client sends, beginning with the protocol header, to the broker. */
    void toBroker(int connection, InputStream from, OutputStream to) throws IOException {
        copy(from, to);
    }

    /** Pumps what the broker sends, frames from the first byte on, to the client. */
    void toClient(int connection, InputStream from, OutputStream to) throws IOException {
        copy(from, to);
    }

    /**
     * Forwards the client's protocol header, after which it sends frames only.
     *
     * @return the client's side, to read its frames from
     */
    static DataInputStream forwardProtocolHeader(InputStream from, OutputStream to) throws IOException {
        DataInputStream in = new DataInputStream(from);
        byte[] header = new byte[8];
        in.readFully(header);
        to.write(header);
        to.flush();
        return in;
    }

    /** Each read is written before the next: what a direction holds back is only ever one read. */
    void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            beforeWrite();
            out.write(buffer, 0, read);
            out.flush();
        }
    }

    /** Called before each write of {@link #copy}: the place to hold a direction back. */
    void beforeWrite() throws IOException {
    }

    /** One frame (AMQP 0-9-1, 2.3.5): type, channel, size, then payload and frame-end. */
    static final class Frame {
        final int type;
        final int channel;
        final int size;
        final byte[] head;
        /** The payload followed by the frame-end octet; a subclass may change the payload in place. */
        final byte[] rest;

        private Frame(byte[] head, byte[] rest) {
            ByteBuffer header = ByteBuffer.wrap(head);
            this.type = header.get() & 0xFF;
            this.channel = header.getShort() & 0xFFFF;
            this.size = header.getInt();
            this.head = head;
            this.rest = rest;
        }

        static Frame read(DataInputStream in) throws IOException {
            byte[] head = new byte[7];
            in.readFully(head);
            byte[] rest = new byte[ByteBuffer.wrap(head, 3, 4).getInt() + 1];
            in.readFully(rest);
            if ((rest[rest.length - 1] & 0xFF) != FRAME_END) {
                throw new IOException("frame without its end octet: the proxy lost track of the frames");
            }
            return new Frame(head, rest);
        }

        /** @return whether this is a method frame of that class and method (AMQP 0-9-1, 4.2.4) */
        boolean isMethod(int classId, int methodId) {
            if (type != 1 || size < 4) {
                return false;
            }
            ByteBuffer payload = ByteBuffer.wrap(rest, 0, size);
            return payload.getShort() == classId && payload.getShort() == methodId;
        }

        void write(OutputStream out) throws IOException {
            out.write(head);
            out.write(rest);
            out.flush();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket broker = new Socket("127.0.0.1", 5672);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(broker);
                }
                int connection = connections.incrementAndGet();
                pump("to broker", client, broker, () -> toBroker(connection, client.getInputStream(),
                        broker.getOutputStream()));
                pump("to client", broker, client, () -> toClient(connection, broker.getInputStream(),
                        client.getOutputStream()));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private interface Pump {
        void run() throws IOException;
    }

    private void pump(String direction, Socket from, Socket to, Pump pump) {
        Thread thread = new Thread(() -> {
            try {
                pump.run();
            } catch (IOException e) {
                // either side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name + " " + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable socket) {
        try {
            socket.close();
        } catch (Exception ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        synchronized (sockets) {
            sockets.forEach(BrokerProxy::closeQuietly);
        }
    }
}
