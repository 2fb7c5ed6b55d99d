package io.warren.rar.outbound;

import io.warren.Binding;
import io.warren.Exchange;
import io.warren.Message;
import io.warren.Queue;
import io.warren.rar.serialization.Serializers;

import java.util.Optional;
import java.util.function.Supplier;

/** What a handle does on its managed connection's channel besides publishing: declarations and fetches. */
final class ChannelOperations {

    private final PooledChannel channel;
    private final ChannelFailures failures;
    /** Those of the application the managed connection serves, to decode what it fetches. */
    private final Supplier<Serializers> serializers;

    ChannelOperations(PooledChannel channel, ChannelFailures failures, Supplier<Serializers> serializers) {
        this.channel = channel;
        this.failures = failures;
        this.serializers = serializers;
    }

    void declare(Exchange exchange) {
        failures.run(() -> channel.declarer().declare(exchange), () -> "declare " + exchange);
    }

    Queue declare(Queue queue) {
        return failures.call(() -> channel.declarer().declare(queue), () -> "declare " + queue);
    }

    void checkExists(String queue) {
        failures.run(() -> channel.declarer().checkExists(queue), () -> "check queue '" + queue + "'");
    }

    void unbind(Exchange destination, Binding binding) {
        failures.run(() -> channel.declarer().unbind(destination, binding),
                () -> "unbind " + destination.name() + " from " + binding.exchange().name());
    }

    void delete(Exchange exchange) {
        failures.run(() -> channel.declarer().delete(exchange), () -> "delete " + exchange);
    }

    void deleteQueue(String queue) {
        failures.run(() -> channel.declarer().deleteQueue(queue), () -> "delete queue '" + queue + "'");
    }

    long messageCount(String queue) {
        return failures.call(() -> channel.declarer().messageCount(queue), () -> "count the messages of queue '"
                + queue + "'");
    }

    long purge(String queue) {
        return failures.call(() -> channel.declarer().purge(queue), () -> "purge queue '" + queue + "'");
    }

    Optional<Message> fetch(String queue) {
        Serializers decoding = serializers.get();
        return failures.call(() -> channel.fetch(queue, decoding).map(Message.class::cast),
                () -> "fetch from queue '" + queue + "'");
    }
}
