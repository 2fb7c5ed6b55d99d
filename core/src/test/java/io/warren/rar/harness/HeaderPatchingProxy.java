package io.warren.rar.harness;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the real broker that changes the type tag of one header field in the
 * content headers going to the client. RabbitMQ refuses a table type it does not know when it is
 * published, so a message the Java client cannot read can only be made on its way to the client:
 * a field named {@code name} arrives with the type {@code tag} instead of its own, its bytes unchanged.
 */
public final class HeaderPatchingProxy extends BrokerProxy {

    private static final int HEADER_FRAME = 2;

    private final byte[] field;
    private final byte tag;
    private final AtomicInteger patched = new AtomicInteger();

    /** @param name the header field whose type tag is replaced by {@code tag} */
    public HeaderPatchingProxy(String name, char tag) {
        super("header-patching-proxy");
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        this.field = new byte[bytes.length + 1];
        field[0] = (byte) bytes.length;
        System.arraycopy(bytes, 0, field, 1, bytes.length);
        this.tag = (byte) tag;
    }

    /** @return the content headers patched so far */
    public int patched() {
        return patched.get();
    }

    @Override
    void toClient(int connection, InputStream from, OutputStream to) throws IOException {
        DataInputStream in = new DataInputStream(from);
        while (true) {
            Frame frame = Frame.read(in);
            if (frame.type == HEADER_FRAME) {
                int at = indexOf(frame.rest, frame.size);
                if (at >= 0) {
                    frame.rest[at + field.length] = tag;
                    patched.incrementAndGet();
                }
            }
            frame.write(to);
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
}
