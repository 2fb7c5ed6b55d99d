package io.warren.test.broker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A channel's deliveries waiting for a settlement, by delivery tag, with RabbitMQ 3.10's rules
 * for naming them (rabbit_channel:collect_acks): the tag must be one the channel still waits
 * for, with {@code multiple} too (a multiple ack of an unknown or settled tag settles nothing:
 * the channel is closed with 406); only tag 0 with {@code multiple} means "all outstanding".
 * In a transaction a settled tag leaves at once, so a second settlement of it fails at once too,
 * and comes back if the transaction is rolled back. Guarded by the virtual host's lock.
 */
final class Unacknowledged {

    /** A delivery waiting for its settlement: where it came from, and the consumer it counts against. */
    record Delivery(BrokerQueue queue, QueueEntry entry, Consumer consumer) {

        /**
         * The consumer's tag; basic.get's deliveries sort as RabbitMQ 3.10's do among consumer
         * tags (measured): before all of them on a classic queue (no tag), after "0" and before
         * "A" on a quorum queue.
         */
        String consumerKey() {
            return consumer != null ? consumer.tag : queue.quorum ? "9" : "";
        }
    }

    private final TreeMap<Long, Delivery> waiting = new TreeMap<>();
    /** Settled in the open transaction: still unacked for the queues and prefetch until the commit. */
    private final TreeMap<Long, Delivery> settledInTransaction = new TreeMap<>();

    void add(long tag, BrokerQueue queue, QueueEntry entry, Consumer consumer) {
        waiting.put(tag, new Delivery(queue, entry, consumer));
        queue.unacked++;
        if (consumer != null) {
            consumer.unacked++;
        }
    }

    /** @return how many deliveries count against a channel-wide prefetch */
    int size() {
        return waiting.size() + settledInTransaction.size();
    }

    /**
     * Takes the deliveries an ack, nack or reject names, in tag order.
     *
     * @param inTransaction whether they are settled only at the commit (kept until then)
     * @throws AmqpError 406 when the tag is not one the channel waits for
     */
    List<Delivery> take(long tag, boolean multiple, boolean inTransaction) {
        Map<Long, Delivery> named;
        if (multiple && tag == 0) {
            named = waiting;
        } else if (!waiting.containsKey(tag)) {
            throw AmqpError.channel(AmqpError.PRECONDITION_FAILED, "unknown delivery tag " + tag);
        } else {
            named = multiple ? waiting.headMap(tag, true) : waiting.subMap(tag, true, tag, true);
        }
        List<Delivery> taken = new ArrayList<>(named.values());
        if (inTransaction) {
            settledInTransaction.putAll(named);
        }
        named.clear();
        return taken;
    }

    /** The transaction committed its settlements: they leave the queues' and consumers' counts. */
    void committed(List<Delivery> settled) {
        settledInTransaction.values().removeAll(settled);
        settled.forEach(Unacknowledged::release);
    }

    /** The transaction's settlements are undone: their tags wait again. */
    void rolledBack() {
        waiting.putAll(settledInTransaction);
        settledInTransaction.clear();
    }

    /** @return every delivery still outstanding, in tag order, released from the counts (the channel gives them back) */
    List<Delivery> takeAll() {
        rolledBack();
        List<Delivery> all = new ArrayList<>(waiting.values());
        waiting.clear();
        all.forEach(Unacknowledged::release);
        return all;
    }

    static void release(Delivery delivery) {
        delivery.queue().unacked--;
        if (delivery.consumer() != null) {
            delivery.consumer().unacked--;
            delivery.queue().settled(delivery.consumer());
        }
    }
}
