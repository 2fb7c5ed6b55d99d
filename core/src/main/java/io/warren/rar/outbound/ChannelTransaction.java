package io.warren.rar.outbound;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.LocalTransactionException;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A local transaction on the managed connection's channel: AMQP's tx.select, tx.commit and
 * tx.rollback. The container drives it for JTA; publishes and acks inside it reach the broker at
 * commit, and not at all on rollback.
 *
 * <p>Nothing reaches the broker at begin: the transaction starts on the wire with its first
 * publish, fetch or ack (see {@link PooledChannel}). While the broker blocks the connection (a
 * memory or disk alarm) it reads nothing sent on it, so a tx.commit or tx.rollback would wait for an
 * answer until channelRpcTimeoutMillis. Instead the commit waits for the unblock as a publish does,
 * at most publishBlockedTimeoutMillis, and otherwise ends uncommitted: tx.commit is never sent, and
 * the abandoned channel's close rolls the transaction back at the broker whenever it reads it. What
 * the transaction manager is told is then what happened.
 */
final class ChannelTransaction implements LocalTransaction {

    private final PooledChannel channel;
    private final FlowGate flowGate;
    /** Tells the container to discard the managed connection. */
    private final Consumer<Exception> broken;

    ChannelTransaction(PooledChannel channel, FlowGate flowGate, Consumer<Exception> broken) {
        this.channel = channel;
        this.flowGate = flowGate;
        this.broken = broken;
    }

    @Override
    public void begin() {
        channel.begin();
    }

    @Override
    public void commit() throws ResourceException {
        if (channel.transactionStarted()) {
            String refusal = flowGate.refusal();
            if (refusal != null) {
                abandon();
                throw new LocalTransactionException("Did not commit the AMQP transaction, which rolls back: "
                        + refusal + ". The broker got no commit: it discards the transaction's messages and "
                        + "requeues what it acked");
            }
        }
        try {
            channel.commit();
        } catch (IOException | RuntimeException e) {
            // only a commit-ok says the broker committed: without it (a closed channel, no answer in time)
            // it did not, or nothing here can tell
            broken.accept(e);
            throw new LocalTransactionException("The broker did not confirm the AMQP commit: " + SharedConnections.describe(e), e);
        }
    }

    @Override
    public void rollback() throws ResourceException {
        if (channel.transactionStarted() && flowGate.blocked()) {
            abandon();
            return;
        }
        try {
            channel.rollback();
        } catch (IOException | RuntimeException e) {
            broken.accept(e);
            throw new LocalTransactionException("Could not roll back the AMQP transaction: " + SharedConnections.describe(e), e);
        }
    }

    /**
     * The managed connection stays in the pool: its next transaction opens another channel once the
     * broker reads the connection again. Discarding it could close the factory's broker connection,
     * and a new one gets one more publish past the alarm before the broker blocks it too.
     */
    private void abandon() {
        channel.abandonTransaction();
    }
}
