package io.warren.rar.outbound;

import com.rabbitmq.client.Channel;
import io.warren.Message.Outcome;
import io.warren.WarrenException;
import io.warren.rar.messages.ReceivedMessage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages fetched on a pooled channel that the broker holds for it: those not settled yet,
 * which go back to their queue before the next caller gets the channel, and those settled inside
 * the channel's transaction, which a rollback makes unsettled again. Used by one thread at a time,
 * as its channel is.
 */
final class FetchedMessages {

    private final Map<Long, ReceivedMessage> unsettled = new LinkedHashMap<>();
    private final List<ReceivedMessage> settledInTransaction = new ArrayList<>();

    void held(ReceivedMessage message) {
        unsettled.put(message.deliveryTag(), message);
    }

    /** Settles a message on the channel it was fetched on, which the caller checked is still open. */
    void settle(Channel source, long tag, Outcome outcome, boolean inTransaction) {
        ReceivedMessage message = unsettled.remove(tag);
        if (message == null) {
            throw new IllegalStateException("Message " + tag + " is no longer held by this connection: "
                    + "it was requeued when its connection closed");
        }
        try {
            switch (outcome) {
                case ACKED -> source.basicAck(tag, false);
                case REJECTED -> source.basicReject(tag, false);
                case REQUEUED -> source.basicReject(tag, true);
                default -> throw new IllegalArgumentException(outcome.name());
            }
        } catch (IOException e) {
            throw new WarrenException("Could not settle message " + tag + " from queue '" + message.queue() + "'", e);
        }
        if (inTransaction) {
            settledInTransaction.add(message);
        }
    }

    void committed() {
        settledInTransaction.clear();
    }

    /** The broker undid the transaction's acks: these messages are unacknowledged on the channel again. */
    void rolledBack() {
        for (ReceivedMessage message : settledInTransaction) {
            unsettled.put(message.deliveryTag(), message);
        }
        settledInTransaction.clear();
    }

    /** Messages fetched on a channel that closed went back to their queue with it. */
    void forget(Outcome outcome) {
        unsettled.values().forEach(message -> message.markSettled(outcome));
        unsettled.clear();
        settledInTransaction.clear();
    }

    boolean noneUnsettled() {
        return unsettled.isEmpty();
    }

    /** Gives back to their queues, on the open channel they were fetched on, the messages nobody settled. */
    void requeueUnsettled(Channel channel) throws IOException {
        for (Iterator<ReceivedMessage> it = unsettled.values().iterator(); it.hasNext(); ) {
            ReceivedMessage message = it.next();
            message.markSettled(Outcome.REQUEUED);
            channel.basicReject(message.deliveryTag(), true);
            it.remove();
        }
    }
}
