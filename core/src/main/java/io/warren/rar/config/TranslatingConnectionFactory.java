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

    private final int maxBodySize;

    /** @param maxBodySize the largest body read; a larger one is skipped, not read (see {@link UnreadableContent}) */
    TranslatingConnectionFactory(int maxBodySize) {
        this.maxBodySize = maxBodySize;
        // the client's own check never fires: the frame layer hands it no larger body
        setMaxInboundMessageBodySize(maxBodySize);
    }

    @Override
    protected synchronized FrameHandlerFactory createFrameHandlerFactory() throws IOException {
        FrameHandlerFactory client = super.createFrameHandlerFactory();
        return (address, connectionName) -> new TranslatingFrameHandler(client.create(address, connectionName), maxBodySize);
    }
}
