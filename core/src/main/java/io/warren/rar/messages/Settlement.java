package io.warren.rar.messages;

import io.warren.Message;

/** Carries a received message's ack, reject or requeue to the channel it came from. */
public interface Settlement {

    /**
     * Tells the broker what became of the delivery.
     *
     * @param deliveryTag the delivery's tag on its channel
     * @param outcome {@link Message.Outcome#ACKED}, {@link Message.Outcome#REJECTED} or {@link Message.Outcome#REQUEUED}
     */
    void settle(long deliveryTag, Message.Outcome outcome);
}
