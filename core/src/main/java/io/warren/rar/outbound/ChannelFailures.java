package io.warren.rar.outbound;

import com.rabbitmq.client.ChannelContinuationTimeoutException;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.WarrenException;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the application is told when an operation on a managed connection's channel fails, and
 * when the managed connection must go with the channel: a broken channel or a broker that did
 * not answer makes the container discard it, any other failure leaves it in the pool.
 */
final class ChannelFailures {

    private final PooledChannel channel;
    /** Tells the container to discard the managed connection. */
    private final Consumer<Exception> broken;
    private final int channelRpcTimeoutMillis;

    ChannelFailures(PooledChannel channel, Consumer<Exception> broken, int channelRpcTimeoutMillis) {
        this.channel = channel;
        this.broken = broken;
        this.channelRpcTimeoutMillis = channelRpcTimeoutMillis;
    }

    interface Operation<T> {
        T perform() throws IOException;
    }

    interface VoidOperation {
        void perform() throws IOException;
    }

    void run(VoidOperation operation, Supplier<String> what) {
        call(() -> {
            operation.perform();
            return null;
        }, what);
    }

    /** @param what what the operation does, for the exception: asked only when it fails */
    <T> T call(Operation<T> operation, Supplier<String> what) {
        try {
            return operation.perform();
        } catch (IOException | RuntimeException e) {
            throw failure(e, what);
        }
    }

    /**
     * @param what what the operation does, for the exception: asked only when it fails
     * @return what to throw for an operation that failed: a broker that did not answer or a broken
     *     channel as Warren's exception, any other as it was
     */
    RuntimeException failure(Exception e, Supplier<String> what) {
        if (e instanceof ChannelContinuationTimeoutException timeout) {
            return unanswered(what.get(), timeout);
        }
        if (e instanceof WarrenException warren) {
            return warren.getCause() instanceof ChannelContinuationTimeoutException timeout
                    ? unanswered(what.get(), timeout) : warren;
        }
        if (e instanceof IOException || e instanceof ShutdownSignalException) {
            discardIfBroken(e);
            return new WarrenException("Could not " + what.get() + ": " + reason(e), e);
        }
        return (RuntimeException) e;
    }

    /** A channel error leaves the channel to be reopened; only a channel past reopening takes the managed connection. */
    void discardIfBroken(Exception cause) {
        if (!channel.isUsable()) {
            broken.accept(cause);
        }
    }

    /** A channel whose broker did not answer in time goes, and the managed connection with it. */
    private WarrenException unanswered(String what, ChannelContinuationTimeoutException timeout) {
        channel.abandon();
        broken.accept(timeout);
        return new WarrenException("Could not " + what + ": the broker did not answer within "
                + channelRpcTimeoutMillis + " ms (channelRpcTimeoutMillis)", timeout);
    }

    /** @return the broker's reason when the channel or connection closed under the operation */
    static String reason(Exception e) {
        Throwable cause = e.getCause() instanceof ShutdownSignalException ? e.getCause() : e;
        return String.valueOf(cause.getMessage());
    }
}
