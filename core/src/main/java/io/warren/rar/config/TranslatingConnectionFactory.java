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

    @Override
    protected synchronized FrameHandlerFactory createFrameHandlerFactory() throws IOException {
        FrameHandlerFactory client = super.createFrameHandlerFactory();
        return (address, connectionName) -> new TranslatingFrameHandler(client.create(address, connectionName));
    }
}
