package io.warren.rar.config;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.WriteListener;
import com.rabbitmq.client.impl.AMQConnection;
import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.FrameHandler;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.HashMap;
import java.util.Map;

/**
 * The client's frame handler with one step in front of its parser, on the connection's own I/O
 * thread, before the client decodes a frame: a content header's table types that other clients
 * write and the Java client lacks are translated (see {@link HeaderTableTypes}); a content header
 * the client would fail the connection on is replaced by one it reads that says why (see
 * {@link UnreadableContent}), as is one whose publisher wrote that reason's field itself (the field
 * is dropped: on the consumers' path and on fetches alike, only this layer's reason reaches
 * Warren), and the body frames of an over-limit message are skipped as they
 * arrive, so that no more than one frame of it is ever held. Everything else is the client's own
 * handler, unchanged.
 */
final class TranslatingFrameHandler implements FrameHandler {

    private final FrameHandler delegate;
    private final long maxBodySize;
    /** Body bytes still to skip, by channel; only the I/O thread reads frames. */
    private final Map<Integer, Long> skipping = new HashMap<>();

    TranslatingFrameHandler(FrameHandler delegate, long maxBodySize) {
        this.delegate = delegate;
        this.maxBodySize = maxBodySize;
    }

    @Override
    public Frame readFrame() throws IOException {
        while (true) {
            Frame frame = delegate.readFrame();
            if (frame == null) {
                return null;
            }
            if (frame.getType() == AMQP.FRAME_BODY && skipped(frame)) {
                continue;
            }
            if (frame.getType() == AMQP.FRAME_HEADER) {
                return header(frame);
            }
            return frame;
        }
    }

    private boolean skipped(Frame body) {
        Long remaining = skipping.get(body.getChannel());
        if (remaining == null) {
            return false;
        }
        long left = remaining - body.getPayload().length;
        if (left > 0) {
            skipping.put(body.getChannel(), left);
        } else {
            skipping.remove(body.getChannel());
        }
        return true;
    }

    private Frame header(Frame frame) {
        byte[] payload = frame.getPayload();
        UnreadableContent.Replacement replacement = UnreadableContent.replace(payload, maxBodySize);
        if (replacement == null) {
            // tags may have been translated in place
            return new Frame(frame.getType(), frame.getChannel(), payload);
        }
        if (replacement.skippedBody() > 0) {
            skipping.put(frame.getChannel(), replacement.skippedBody());
        }
        return new Frame(frame.getType(), frame.getChannel(), replacement.payload());
    }

    @Override
    public boolean internalHearbeat() {
        return delegate.internalHearbeat();
    }

    @Override
    public void setTimeout(int timeoutMs) throws SocketException {
        delegate.setTimeout(timeoutMs);
    }

    @Override
    public int getTimeout() throws SocketException {
        return delegate.getTimeout();
    }

    @Override
    public void sendHeader() throws IOException {
        delegate.sendHeader();
    }

    @Override
    public void initialize(AMQConnection connection) {
        delegate.initialize(connection);
    }

    @Override
    public void startProcessing() {
        delegate.startProcessing();
    }

    @Override
    public void finishConnectionNegotiation() {
        delegate.finishConnectionNegotiation();
    }

    @Override
    public void setFrameMax(int frameMax) {
        delegate.setFrameMax(frameMax);
    }

    @Override
    public void writeFrame(Frame frame) throws IOException {
        delegate.writeFrame(frame);
    }

    @Override
    public void flush(WriteListener listener) throws IOException {
        delegate.flush(listener);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public InetAddress getLocalAddress() {
        return delegate.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return delegate.getLocalPort();
    }

    @Override
    public InetAddress getAddress() {
        return delegate.getAddress();
    }

    @Override
    public int getPort() {
        return delegate.getPort();
    }
}
