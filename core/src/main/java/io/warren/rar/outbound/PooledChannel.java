package io.warren.rar.outbound;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownListener;
import io.warren.Message.Outcome;
import io.warren.PublishException;
import io.warren.UnroutableException;
import io.warren.WarrenException;
import io.warren.rar.declarations.Declarer;
import io.warren.rar.messages.ReceivedMessage;
import io.warren.rar.metrics.FactoryMetrics;
import io.warren.rar.serialization.Serializers;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one AMQP channel a managed connection owns, and the modes it can be in. AMQP fixes a
 * channel's mode once chosen (tx.select and confirm.select cannot be undone, nor combined), so a
 * channel is replaced only when the work asks for another mode: a steady workload keeps its
 * channel. Used by one thread at a time, as the container hands a managed connection to one
 * caller at a time; only the answers to confirmed publishes outlive a caller, in the channel's
 * {@link PendingConfirms}.
 */
final class PooledChannel {

    private enum Mode { PLAIN, CONFIRM, TX }

    private final Connection connection;
    /** Where applications' futures complete: not the client's connection thread. */
    private final Completions completions;
    private final FactoryMetrics metrics;
    private final ShutdownListener onShutdown;
    private final FetchedMessages fetched = new FetchedMessages();
    private Channel channel;
    private PendingConfirms confirms;
    private Mode mode;
    /** Abandoned while the broker did not answer, and being closed: the next use opens another. */
    private boolean stale;
    private boolean inTransaction;
    /** The transaction reached the wire: its tx.select went out with its first publish, fetch or ack. */
    private boolean transactionStarted;
    private long transactionPublishes;

    /**
     * @param onShutdown told when the channel closes for a reason other than our own close
     */
    PooledChannel(Connection connection, Completions completions, FactoryMetrics metrics, ShutdownListener onShutdown)
            throws IOException {
        this.connection = connection;
        this.completions = completions;
        this.metrics = metrics;
        this.onShutdown = onShutdown;
        open();
    }

    private void open() throws IOException {
        Channel opened = connection.createChannel();
        if (opened == null) {
            throw new IOException("the broker connection has no channel left (channel_max reached)");
        }
        PendingConfirms pending = new PendingConfirms(completions, metrics);
        opened.addConfirmListener(pending);
        opened.addReturnListener(pending::returned);
        opened.addShutdownListener(cause -> {
            pending.failAll(cause.isInitiatedByApplication() ? "Warren closed the pooled channel"
                    : "The channel closed (" + cause.getMessage() + ")", cause);
            if (!cause.isInitiatedByApplication()) {
                onShutdown.shutdownCompleted(cause);
            }
        });
        channel = opened;
        confirms = pending;
        mode = Mode.PLAIN;
        stale = false;
        fetched.forget(Outcome.REQUEUED);
    }

    String serverVersion() {
        Object version = connection.getServerProperties().get("version");
        return version == null ? "unknown" : version.toString();
    }

    /** @return the broker connection this channel is on, which a lost connection's replacement is not */
    Connection brokerConnection() {
        return connection;
    }

    /** @return whether a transaction began on this channel and has not ended */
    boolean inTransaction() {
        return inTransaction;
    }

    boolean isUsable() {
        return connection.isOpen() && ((channel.isOpen() && !stale) || !transactionStarted());
    }

    /**
     * @return the channel in a mode that suits the work: inside a transaction the tx channel;
     *     outside one, a channel that is not transactional, in confirm mode when confirms are asked for
     */
    private Channel channel(boolean confirms) throws IOException {
        if (inTransaction) {
            return transactionChannel();
        }
        if (stale || !channel.isOpen()) {
            open();
        }
        if (mode == Mode.TX) {
            replace();
        }
        if (confirms && mode == Mode.PLAIN) {
            channel.confirmSelect();
            mode = Mode.CONFIRM;
        }
        return channel;
    }

    /**
     * Starts the transaction on the wire with its first operation, not at {@link #begin()}: a
     * transaction that sends nothing costs no round trip, and one begun while the broker blocks the
     * connection fails in its first publish, after publishBlockedTimeoutMillis, rather than in a
     * tx.select the broker would not read (which the transaction manager may retry for as long).
     */
    private Channel transactionChannel() throws IOException {
        if (!transactionStarted) {
            if (stale || !channel.isOpen()) {
                open();
            } else if (mode == Mode.CONFIRM) {
                // closing the channel would lose the answers still due to earlier callers
                confirms.awaitAnswers();
                replace();
            }
            if (mode != Mode.TX) {
                channel.txSelect();
                mode = Mode.TX;
            }
            transactionStarted = true;
        } else if (stale || !channel.isOpen()) {
            throw new WarrenException("The channel of this transaction was closed"
                    + (stale ? ", as the broker did not answer" : " by the broker: "
                    + channel.getCloseReason().getMessage()) + "; the transaction must roll back");
        }
        return channel;
    }

    private void replace() throws IOException {
        if (!stale) {
            closeQuietly();
        }
        open();
    }

    Declarer declarer() throws IOException {
        return new Declarer(channel(false));
    }

    void publish(String exchange, String routingKey, boolean mandatory, Duration confirmTimeout,
                 AMQP.BasicProperties properties, byte[] body) throws IOException {
        CompletableFuture<Void> confirmed = sendAwaited(channel(confirmTimeout != null), exchange, routingKey,
                mandatory, confirmTimeout != null, properties, body);
        if (confirmed == null) {
            return;
        }
        try {
            confirmed.get(confirmTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            // thrown anew for the caller's stack trace: the failure was made on the connection's thread
            if (e.getCause() instanceof UnroutableException returned) {
                throw new UnroutableException(returned.replyCode(), returned.replyText(), returned.exchange(),
                        returned.routingKey());
            }
            PublishException failure = (PublishException) e.getCause();
            throw new PublishException(failure.getMessage(), failure.getCause());
        } catch (TimeoutException e) {
            // a channel whose broker does not answer is of no use to the next caller either
            metrics.confirmTimedOut();
            abandon();
            throw new PublishException("No confirm from the broker within " + confirmTimeout + " for a message to exchange '"
                    + exchange + "' with routing key '" + routingKey + "'; it may or may not have been routed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("Interrupted while waiting for the broker's confirm", e);
        }
    }

    /**
     * @return the future of the message's own confirm, completed on the connection's thread; null
     *     where nothing is to be awaited (no confirms asked for, or a transaction, whose commit answers)
     */
    private CompletableFuture<Void> sendAwaited(Channel target, String exchange, String routingKey, boolean mandatory,
                                                boolean confirmed, AMQP.BasicProperties properties, byte[] body)
            throws IOException {
        if (mandatory && inTransaction) {
            // its return would come before commit-ok, and failing the commit for it would roll back the
            // caller's other resources while the broker kept the transaction's routable messages and acks
            throw new WarrenException("A mandatory publish to exchange '" + exchange + "' with routing key '"
                    + routingKey + "' cannot wait for its return inside a transaction: use publishConfirmed, "
                    + "whose future reports the return after the commit, or a producer that is not mandatory");
        }
        if (inTransaction || !confirmed) {
            target.basicPublish(exchange, routingKey, mandatory, properties, body);
            return null;
        }
        // waitForConfirms would also answer for other callers' messages still pending on this
        // channel (a nack of theirs would fail this one): each waits for its message's own confirm
        return send(target, target.getNextPublishSeqNo(), exchange, routingKey, mandatory, null, true, properties, body);
    }

    /**
     * Sends one message of a batch, whose caller waits once for all of their confirms.
     *
     * @param first whether it is the batch's first message: only that one may open a channel
     * @return as {@link #sendAwaited}
     */
    CompletableFuture<Void> publishInBatch(boolean first, String exchange, String routingKey, boolean mandatory,
                                           boolean confirmed, AMQP.BasicProperties properties, byte[] body)
            throws IOException {
        if (!first && (stale || !channel.isOpen())) {
            // a batch keeps to one channel, so that its order is the list's and each message's fate is known
            throw new IOException("the channel closed under the batch", channel.getCloseReason());
        }
        return sendAwaited(channel(confirmed), exchange, routingKey, mandatory, confirmed, properties, body);
    }

    /** A batch's confirms did not all come in time: the broker does not answer this channel. */
    void confirmsTimedOut() {
        metrics.confirmTimedOut();
        abandon();
    }

    /**
     * Publishes in confirm mode without waiting; inside a transaction, the commit answers instead.
     *
     * @return the future of the broker's answer
     */
    CompletableFuture<Void> publishConfirmed(String exchange, String routingKey, boolean mandatory,
                                             Duration confirmTimeout, AMQP.BasicProperties properties,
                                             byte[] body) throws IOException {
        Channel target = channel(true);
        if (inTransaction) {
            return send(target, ++transactionPublishes, exchange, routingKey, mandatory, null, false, properties, body);
        }
        return send(target, target.getNextPublishSeqNo(), exchange, routingKey, mandatory, confirmTimeout, false,
                properties, body);
    }

    /**
     * Registers the answer awaited under the key, then publishes. A mandatory message carries its
     * key, so that its return finds its own future and no other caller's.
     */
    private CompletableFuture<Void> send(Channel target, long key, String exchange, String routingKey,
                                         boolean mandatory, Duration timeout, boolean waitedOn,
                                         AMQP.BasicProperties properties, byte[] body) throws IOException {
        CompletableFuture<Void> answer = confirms.expect(key, exchange, routingKey, timeout, waitedOn, mandatory);
        try {
            target.basicPublish(exchange, routingKey, mandatory,
                    mandatory ? PendingConfirms.withPublishId(properties, key) : properties, body);
        } catch (IOException | RuntimeException e) {
            confirms.forget(key);
            throw e;
        }
        return answer;
    }

    Optional<ReceivedMessage> fetch(String queue, Serializers serializers) throws IOException {
        Channel source = channel(false);
        GetResponse response = source.basicGet(queue, false);
        if (response == null) {
            return Optional.empty();
        }
        ReceivedMessage message = new ReceivedMessage(queue, response.getEnvelope(), response.getProps(),
                response.getBody(), serializers, Set.of(), (tag, outcome) -> settle(source, tag, outcome));
        fetched.held(message);
        return Optional.of(message);
    }

    private void settle(Channel source, long tag, Outcome outcome) {
        if (inTransaction) {
            try {
                transactionChannel();
            } catch (IOException e) {
                throw new WarrenException("Could not start the AMQP transaction to settle message " + tag, e);
            }
        }
        if (source != channel || !source.isOpen()) {
            throw new IllegalStateException("The channel this message was fetched on has closed, "
                    + "so the broker has requeued it; it can no longer be settled");
        }
        fetched.settle(source, tag, outcome, inTransaction);
    }

    /** Nothing goes to the broker yet: see {@link #transactionChannel()}. */
    void begin() {
        inTransaction = true;
        transactionStarted = false;
    }

    /** @return whether the transaction sent anything, and so has something to commit or roll back */
    boolean transactionStarted() {
        return inTransaction && transactionStarted;
    }

    /**
     * Commits; once the broker answered commit-ok nothing here throws, as the broker holds the
     * transaction's messages and acks whatever the caller would do next. Mandatory messages in a
     * transaction report their return through their own future; a mandatory {@link #publish} is
     * refused inside one.
     */
    void commit() throws IOException {
        try {
            if (!transactionStarted) {
                return;
            }
            channel.txCommit();
            fetched.committed();
            confirms.committed();
        } finally {
            inTransaction = false;
        }
    }

    void rollback() throws IOException {
        try {
            if (transactionStarted && channel.isOpen()) {
                channel.txRollback();
            }
            fetched.rolledBack();
            confirms.rolledBack();
        } finally {
            inTransaction = false;
        }
    }

    /**
     * Ends the transaction without a word to the broker, which does not read this connection now:
     * the channel goes, and with it the transaction, uncommitted. The broker discards its publishes
     * and requeues the messages it acked once it reads the channel's close.
     */
    void abandonTransaction() {
        try {
            fetched.forget(Outcome.REQUEUED);
            confirms.rolledBack();
            abandon();
        } finally {
            inTransaction = false;
        }
    }

    /** Gives back to their queues the fetched messages nobody settled, before the next caller gets the channel. */
    void requeueUnsettled() throws IOException {
        if (fetched.noneUnsettled()) {
            return;
        }
        if (!channel.isOpen()) {
            fetched.forget(Outcome.REQUEUED);
            return;
        }
        fetched.requeueUnsettled(channel);
        if (mode == Mode.TX && !inTransaction) {
            channel.txCommit();
        }
    }

    void close() {
        if (!stale) {
            closeQuietly();
        }
    }

    /**
     * Gives up a channel the broker does not answer on, without the caller waiting: the next use
     * opens another. The old one is closed on the completion threads, within channelRpcTimeoutMillis.
     * Not {@code abort()}: it frees the channel number at once, the next channel opened takes it
     * before the broker has let go of it, and the broker answers that second channel.open by
     * closing the whole connection.
     */
    void abandon() {
        Channel abandoned = channel;
        if (stale || !abandoned.isOpen()) {
            return;
        }
        stale = true;
        completions.execute(() -> {
            try {
                abandoned.close();
            } catch (IOException | TimeoutException | RuntimeException e) {
                // not answered within channelRpcTimeoutMillis either: the client releases it all the same
            }
        });
    }

    private void closeQuietly() {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // closing a channel the broker already closed fails: nothing is left to release
        }
    }
}
