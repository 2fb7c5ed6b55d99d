package io.warren.rar.outbound;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.LocalTransactionException;

import java.io.IOException;

/**
 * A local transaction on the managed connection's channel: AMQP's tx.select, tx.commit and
 * tx.rollback. The container drives it for JTA; publishes and acks inside it reach the broker at
 * commit, and not at all on rollback.
 */
final class ChannelTransaction implements LocalTransaction {

    private final WarrenManagedConnection managed;
    private final PooledChannel channel;

    ChannelTransaction(WarrenManagedConnection managed, PooledChannel channel) {
        this.managed = managed;
        this.channel = channel;
    }

    @Override
    public void begin() throws ResourceException {
        try {
            channel.begin();
        } catch (IOException | RuntimeException e) {
            managed.failed(e);
            throw new LocalTransactionException("Could not start an AMQP transaction: " + e.getMessage(), e);
        }
    }

    @Override
    public void commit() throws ResourceException {
        try {
            channel.commit();
        } catch (IOException | RuntimeException e) {
            // only a commit-ok says the broker committed: without it (a closed channel, no answer in time)
            // it did not, or nothing here can tell
            managed.failed(e);
            throw new LocalTransactionException("The broker did not confirm the AMQP commit: " + e.getMessage(), e);
        }
    }

    @Override
    public void rollback() throws ResourceException {
        try {
            channel.rollback();
        } catch (IOException | RuntimeException e) {
            managed.failed(e);
            throw new LocalTransactionException("Could not roll back the AMQP transaction: " + e.getMessage(), e);
        }
    }
}
