package io.warren.rar.config;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.FrameHandlerFactory;

import java.io.IOException;

/**
 * The client's connection factory whose connections read frames through a
 * {@link TranslatingFrameHandler}: the client's extension point for its I/O layer, so that
 * Warren reads what py-amqp writes without a fork of the client.
 */
final class TranslatingConnectionFactory extends ConnectionFactory {

    private static final int CLIENT_DEFAULT_LIMIT = 64 * 1024 * 1024;

    private final int maxBodySize;

    /** @param maxBodySize the largest body read; a larger one is skipped, not read (see {@link UnreadableContent}) */
    TranslatingConnectionFactory(int maxBodySize) {
        this.maxBodySize = maxBodySize;
        // the client bounds single frames by this too, so a small body limit must not shrink it below the
        // client's own default; no body over maxBodySize reaches the client anyway
        setMaxInboundMessageBodySize(Math.max(maxBodySize, CLIENT_DEFAULT_LIMIT));
    }

    @Override
    protected synchronized FrameHandlerFactory createFrameHandlerFactory() throws IOException {
        FrameHandlerFactory client = super.createFrameHandlerFactory();
        return (address, connectionName) -> new TranslatingFrameHandler(client.create(address, connectionName), maxBodySize);
    }
}
