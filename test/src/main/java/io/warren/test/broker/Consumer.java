package io.warren.test.broker;

/** A basic.consume subscription: its channel, queue, and how many of its deliveries wait for an ack. */
final class Consumer {

    final ServerChannel channel;
    final String tag;
    final BrokerQueue queue;
    final boolean noAck;
    final boolean exclusive;
    final int prefetch;
    int unacked;
    /** Found full by its queue: back in line (at its end) once a settlement frees it. */
    boolean blocked;

    Consumer(ServerChannel channel, String tag, BrokerQueue queue, boolean noAck, boolean exclusive, int prefetch) {
        this.channel = channel;
        this.tag = tag;
        this.queue = queue;
        this.noAck = noAck;
        this.exclusive = exclusive;
        this.prefetch = prefetch;
    }

    boolean ready() {
        return channel.canDeliver() && (noAck || prefetch == 0 || unacked < prefetch);
    }
}
