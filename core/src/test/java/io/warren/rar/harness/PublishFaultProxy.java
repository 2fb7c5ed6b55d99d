package io.warren.rar.harness;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the real broker that fails publishes on cue: it counts every
 * {@code basic.publish} going to the broker, can drop the whole connection at the next publishes
 * instead of forwarding them (a connection lost mid-publish: the broker never gets the message),
 * and can swallow the broker's next {@code basic.ack} confirms (a confirm lost: the broker has the
 * message, the publisher never hears so).
 */
public final class PublishFaultProxy extends BrokerProxy {

    private static final int BASIC_CLASS = 60;
    private static final int BASIC_PUBLISH = 40;
    private static final int BASIC_ACK = 80;

    private final AtomicInteger publishes = new AtomicInteger();
    private final AtomicInteger dropsLeft = new AtomicInteger();
    private final AtomicInteger confirmsToSwallow = new AtomicInteger();
    private final AtomicInteger confirmsSwallowed = new AtomicInteger();

    public PublishFaultProxy() {
        super("publish-fault-proxy");
    }

    /** @return the publishes that reached the proxy so far, dropped or forwarded */
    public int publishes() {
        return publishes.get();
    }

    /** @param count how many of the next publishes drop their connection instead of reaching the broker */
    public void dropConnectionAtNextPublishes(int count) {
        dropsLeft.set(count);
    }

    /** @param count how many of the broker's next confirms the client never gets */
    public void swallowNextConfirms(int count) {
        confirmsToSwallow.set(count);
    }

    /** @return the confirms swallowed so far */
    public int confirmsSwallowed() {
        return confirmsSwallowed.get();
    }

    @Override
    void toBroker(int connection, InputStream from, OutputStream to) throws IOException {
        DataInputStream in = forwardProtocolHeader(from, to);
        while (true) {
            Frame frame = Frame.read(in);
            if (frame.isMethod(BASIC_CLASS, BASIC_PUBLISH)) {
                publishes.incrementAndGet();
                if (dropsLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                    throw new IOException("the proxy drops the connection at this publish");
                }
            }
            frame.write(to);
        }
    }

    @Override
    void toClient(int connection, InputStream from, OutputStream to) throws IOException {
        DataInputStream in = new DataInputStream(from);
        while (true) {
            Frame frame = Frame.read(in);
            if (frame.isMethod(BASIC_CLASS, BASIC_ACK) && confirmsToSwallow.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                confirmsSwallowed.incrementAndGet();
                continue;
            }
            frame.write(to);
        }
    }
}
