package io.warren.rar.config;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.WriteListener;
import com.rabbitmq.client.impl.AMQConnection;
import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.FrameHandler;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;

/**
 * The client's frame handler with one step in front of its parser: a content header's table types
 * that other clients write and the Java client lacks are translated as the frame is read (see
 * {@link HeaderTableTypes}), on the connection's own I/O thread, before the client decodes it.
 * Everything else is the client's own handler, unchanged.
 */
final class TranslatingFrameHandler implements FrameHandler {

    private final FrameHandler delegate;

    TranslatingFrameHandler(FrameHandler delegate) {
        this.delegate = delegate;
    }

    @Override
    public Frame readFrame() throws IOException {
        Frame frame = delegate.readFrame();
        if (frame != null && frame.getType() == AMQP.FRAME_HEADER) {
            byte[] payload = frame.getPayload();
            if (HeaderTableTypes.rewrite(payload)) {
                return new Frame(frame.getType(), frame.getChannel(), payload);
            }
        }
        return frame;
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
