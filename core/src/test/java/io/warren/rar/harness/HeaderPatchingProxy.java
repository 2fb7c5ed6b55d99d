package io.warren.rar.harness;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the real broker that changes the type tag of one header field in the
 * content headers going to the client. RabbitMQ refuses a table type it does not know when it is
 * published, so a message the Java client cannot read can only be made on its way to the client:
 * a field named {@code name} arrives with the type {@code tag} instead of its own, its bytes unchanged.
 */
public final class HeaderPatchingProxy implements AutoCloseable {

    private static final int HEADER_FRAME = 2;
    private static final int FRAME_END = 0xCE;

    private final byte[] field;
    private final byte tag;
    private final ServerSocket server;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger patched = new AtomicInteger();

    /** @param name the header field whose type tag is replaced by {@code tag} */
    public HeaderPatchingProxy(String name, char tag) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        this.field = new byte[bytes.length + 1];
        field[0] = (byte) bytes.length;
        System.arraycopy(bytes, 0, field, 1, bytes.length);
        this.tag = (byte) tag;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen for the proxy", e);
        }
        Thread acceptor = new Thread(this::accept, "header-patching-proxy " + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return the port to connect to instead of the broker's */
    public int port() {
        return server.getLocalPort();
    }

    /** @return the connections made through the proxy so far */
    public int connections() {
        return connections.get();
    }

    /** @return the content headers patched so far */
    public int patched() {
        return patched.get();
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
                connections.incrementAndGet();
                start("to broker", client, broker, () -> copy(client.getInputStream(), broker.getOutputStream()));
                start("to client", broker, client, () -> patchFrames(broker.getInputStream(), client.getOutputStream()));
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
        }, "header-patching-proxy " + direction);
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

    /** Frames from the broker: type, channel, size, payload, frame-end (AMQP 0-9-1, 2.3.5). */
    private void patchFrames(InputStream from, OutputStream to) throws IOException {
        DataInputStream in = new DataInputStream(from);
        byte[] frameHeader = new byte[7];
        while (true) {
            in.readFully(frameHeader);
            ByteBuffer head = ByteBuffer.wrap(frameHeader);
            int type = head.get() & 0xFF;
            head.getShort();
            int size = head.getInt();
            byte[] rest = new byte[size + 1];
            in.readFully(rest);
            if ((rest[size] & 0xFF) != FRAME_END) {
                throw new IOException("frame without its end octet: the proxy lost track of the frames");
            }
            if (type == HEADER_FRAME) {
                int at = indexOf(rest, size);
                if (at >= 0) {
                    rest[at + field.length] = tag;
                    patched.incrementAndGet();
                }
            }
            to.write(frameHeader);
            to.write(rest);
            to.flush();
        }
    }

    private int indexOf(byte[] bytes, int size) {
        outer:
        for (int i = 0; i + field.length < size; i++) {
            for (int j = 0; j < field.length; j++) {
                if (bytes[i + j] != field[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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
            sockets.forEach(HeaderPatchingProxy::closeQuietly);
        }
    }
}
