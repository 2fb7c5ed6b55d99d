package io.warren.rar.inbound;

import io.warren.Message;
import io.warren.rar.messages.Settlement;

/**
 * Where the MDB's own ack, reject or requeue goes in {@code ackMode=manual}: outside a transaction
 * to the channel at once; inside one only a wish, which the delivery's {@link InFlight} hands to
 * the policy when the transaction commits and forgets when it rolls back, so that a message is
 * never acked by a transaction that did not happen. Called on the MDB's thread; the transaction's
 * outcome may read it on another (the reaper's), hence synchronized.
 */
final class ListenerSettlement implements Settlement {

    /** In {@code ackMode=container} the MDB may not settle: Warren does when the delivery ends. */
    static final Settlement BY_CONTAINER = (tag, outcome) -> {
        throw new IllegalStateException("ackMode=container: Warren settles this message when the delivery ends "
                + "(ack on success, requeue or dead-letter on failure); set ackMode=manual to settle it yourself");
    };

    private final Settler settler;
    private boolean transacted;
    private Message.Outcome asked;

    ListenerSettlement(Settler settler) {
        this.settler = settler;
    }

    /** From now on what the MDB asks waits for its transaction's outcome. */
    synchronized void inTransaction() {
        transacted = true;
    }

    @Override
    public synchronized void settle(long deliveryTag, Message.Outcome outcome) {
        if (transacted) {
            asked = outcome;
        } else {
            settler.settleForListener(deliveryTag, outcome);
        }
    }

    /** @return what the MDB asked for inside its transaction, or null */
    synchronized Message.Outcome askedInTransaction() {
        return asked;
    }
}
