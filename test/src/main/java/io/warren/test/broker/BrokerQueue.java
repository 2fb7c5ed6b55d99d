package io.warren.test.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A queue: its ready messages in order, its consumers, and the arguments that shape it (TTL,
 * max length and overflow, dead-lettering, quorum delivery limit). Guarded by the virtual host's lock.
 */
final class BrokerQueue {

    final String name;
    final boolean durable;
    final boolean exclusive;
    final boolean autoDelete;
    final Map<String, Object> args;
    final ServerConnection owner;
    final boolean quorum;
    final Long messageTtl;
    final Long maxLength;
    final Long maxLengthBytes;
    final String overflow;
    final String deadLetterExchange;
    final String deadLetterRoutingKey;
    final Long deliveryLimit;

    /** Ready messages by place: requeued ones go back to theirs (classic) or before all (quorum). */
    final TreeMap<Long, QueueEntry> ready = new TreeMap<>();
    final List<Consumer> consumers = new ArrayList<>();
    private long nextSeq;
    /** Places of quorum messages given back by an ended channel: in front of all others, first come first. */
    private long nextReturnSeq = Long.MIN_VALUE / 2;
    boolean hadConsumers;
    long readyBytes;
    /** Deliveries of this queue waiting for an ack, on every channel. */
    int unacked;

    BrokerQueue(String name, boolean durable, boolean exclusive, boolean autoDelete, Map<String, Object> args,
                ServerConnection owner) {
        this.name = name;
        this.durable = durable;
        this.exclusive = exclusive;
        this.autoDelete = autoDelete;
        this.args = args == null ? Map.of() : args;
        this.owner = exclusive ? owner : null;
        this.quorum = "quorum".equals(Values.text(this.args.get("x-queue-type")));
        this.messageTtl = Values.integer(this.args.get("x-message-ttl"));
        this.maxLength = Values.integer(this.args.get("x-max-length"));
        this.maxLengthBytes = Values.integer(this.args.get("x-max-length-bytes"));
        String overflowArg = Values.text(this.args.get("x-overflow"));
        this.overflow = overflowArg == null ? "drop-head" : overflowArg;
        this.deadLetterExchange = Values.text(this.args.get("x-dead-letter-exchange"));
        this.deadLetterRoutingKey = Values.text(this.args.get("x-dead-letter-routing-key"));
        this.deliveryLimit = Values.integer(this.args.get("x-delivery-limit"));
    }

    /** @return the entry put at the tail; it expires by the smaller of the queue's and the message's TTL */
    QueueEntry enqueue(StoredMessage message, long now) {
        long ttl = Long.MAX_VALUE;
        if (messageTtl != null) {
            ttl = messageTtl;
        }
        String expiration = message.properties().getExpiration();
        if (expiration != null) {
            try {
                ttl = Math.min(ttl, Long.parseLong(expiration));
            } catch (NumberFormatException ignored) {
                // rejected at publish
            }
        }
        QueueEntry entry = new QueueEntry(message, nextSeq++, ttl == Long.MAX_VALUE ? Long.MAX_VALUE : now + ttl);
        add(entry);
        return entry;
    }

    /**
     * Puts a message back: classic queues at its old place; quorum queues (RabbitMQ 3.10, measured)
     * in front of every ready message (rabbit_fifo's returns, delivered first, first come first)
     * when its channel ended or the queue has a delivery limit, else, nacked, rejected or
     * recovered, behind them.
     */
    void requeue(QueueEntry entry, boolean channelEnded) {
        entry.redelivered = true;
        if (quorum) {
            boolean inFront = channelEnded || deliveryLimit != null;
            QueueEntry back = new QueueEntry(entry.message, inFront ? nextReturnSeq++ : nextSeq++, entry.expiresAt);
            back.redelivered = true;
            back.deliveryCount = entry.deliveryCount;
            add(back);
        } else {
            add(entry);
        }
    }

    private void add(QueueEntry entry) {
        ready.put(entry.seq, entry);
        readyBytes += entry.message.body().length;
    }

    QueueEntry pollHead() {
        Map.Entry<Long, QueueEntry> head = ready.pollFirstEntry();
        if (head == null) {
            return null;
        }
        readyBytes -= head.getValue().message.body().length;
        return head.getValue();
    }

    QueueEntry head() {
        Map.Entry<Long, QueueEntry> head = ready.firstEntry();
        return head == null ? null : head.getValue();
    }

    boolean overLimit() {
        return (maxLength != null && ready.size() > maxLength) || (maxLengthBytes != null && readyBytes > maxLengthBytes);
    }

    /** @return whether taking the message would put the queue over a limit (refused with {@code reject-publish}) */
    boolean wouldOverflow(StoredMessage message) {
        return (maxLength != null && ready.size() + 1 > maxLength)
                || (maxLengthBytes != null && readyBytes + message.body().length > maxLengthBytes);
    }

    /**
     * @return the first consumer in line that may take a message now, moved to the back of the
     *     line, or null. As in RabbitMQ 3.10, a consumer found full is blocked: a classic queue
     *     finds it so when it tries it, a quorum queue as soon as its credit runs out; it goes to
     *     the back of the line when a settlement frees it ({@link #settled}).
     */
    Consumer nextReadyConsumer() {
        for (Consumer candidate : List.copyOf(consumers)) {
            if (candidate.ready()) {
                consumers.remove(candidate);
                consumers.add(candidate);
                return candidate;
            }
            candidate.blocked = true;
        }
        return null;
    }

    /** A delivered message of the consumer was settled: a consumer blocked and now free goes to the back of the line. */
    void settled(Consumer consumer) {
        if (consumer.blocked && consumer.ready() && consumers.remove(consumer)) {
            consumer.blocked = false;
            consumers.add(consumer);
        }
    }

    /** The consumer was just given a message: a quorum queue takes it out of line at once when it is full. */
    void delivered(Consumer consumer) {
        if (quorum && !consumer.ready()) {
            consumer.blocked = true;
        }
    }

    int consumerCount() {
        return consumers.size();
    }
}
