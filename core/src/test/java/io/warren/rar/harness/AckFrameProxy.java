package io.warren.rar.harness;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP proxy in front of the real broker that reads the AMQP frames going to the broker and
 * notes every {@code basic.ack}, as sent on the wire: which channel, which tag, whether
 * {@code multiple}. Tests use it to see how a consumer batches its acks, which the broker's
 * counts (ready, unacked) cannot tell.
 */
public final class AckFrameProxy extends BrokerProxy {

    /** One {@code basic.ack} frame as it went to the broker. */
    public record Ack(int connection, int channel, long tag, boolean multiple) {
    }

    private static final int BASIC_CLASS = 60;
    private static final int BASIC_ACK = 80;

    private final List<Ack> acks = new ArrayList<>();

    public AckFrameProxy() {
        super("ack-frame-proxy");
    }

    /** @return the acks sent through the proxy so far, in the order each connection sent them */
    public List<Ack> acks() {
        synchronized (acks) {
            return List.copyOf(acks);
        }
    }

    /** The protocol header, then frames. */
    @Override
    void toBroker(int connection, InputStream from, OutputStream to) throws IOException {
        DataInputStream in = forwardProtocolHeader(from, to);
        while (true) {
            Frame frame = Frame.read(in);
            if (frame.isMethod(BASIC_CLASS, BASIC_ACK) && frame.size >= 13) {
                ByteBuffer payload = ByteBuffer.wrap(frame.rest, 4, frame.size - 4);
                Ack ack = new Ack(connection, frame.channel, payload.getLong(), (payload.get() & 1) != 0);
                synchronized (acks) {
                    acks.add(ack);
                }
            }
            frame.write(to);
        }
    }
}
