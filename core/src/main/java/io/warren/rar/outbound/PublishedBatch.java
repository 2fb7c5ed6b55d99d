package io.warren.rar.outbound;

import io.warren.BatchPublishException;
import io.warren.PublishException;
import io.warren.UnroutableException;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What became of each message of one {@code publishAll}: sent or not, then confirmed or not, so
 * that the caller learns each failed message's index and its own failure, and that every message
 * it is not told about is published.
 */
final class PublishedBatch {

    private final String exchange;
    private final String[] routingKeys;
    /** A sent message's confirm; null where none is awaited (no confirms, or a transaction's). */
    private final CompletableFuture<?>[] confirms;
    private final Map<Integer, PublishException> failures = new TreeMap<>();
    private int sent;
    /** Why sending stopped before the last message, or null. */
    private Exception stopped;

    PublishedBatch(String exchange, String[] routingKeys) {
        this.exchange = exchange;
        this.routingKeys = routingKeys;
        this.confirms = new CompletableFuture<?>[routingKeys.length];
    }

    int size() {
        return routingKeys.length;
    }

    /** @return the index of the next message to send */
    int sent() {
        return sent;
    }

    /** @param confirm the future of its confirm, or null when none is awaited */
    void sent(CompletableFuture<?> confirm) {
        confirms[sent++] = confirm;
    }

    /** Sending stopped: the messages not sent yet fail with this reason. */
    void stopped(Exception why) {
        stopped = why;
    }

    /**
     * Waits once for every awaited confirm, within the timeout counted from now (the last message
     * was just sent); on a timeout the messages still unconfirmed fail, and the caller gives up the
     * channel, whose broker does not answer.
     *
     * @return whether every awaited confirm came in time
     */
    boolean awaitConfirms(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean answered = true;
        for (int i = 0; i < sent; i++) {
            CompletableFuture<?> confirm = confirms[i];
            if (confirm == null) {
                continue;
            }
            try {
                confirm.get(answered ? Math.max(0, deadline - System.nanoTime()) : 0, TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                failures.put(i, anew(i, e.getCause()));
            } catch (TimeoutException e) {
                answered = false;
                failures.put(i, new PublishException("No confirm from the broker within " + timeout + " for "
                        + describe(i) + "; it may or may not have been routed", null));
            }
        }
        return answered;
    }

    /** @return the failure to throw when any message is not known to be published, else null */
    BatchPublishException failure() {
        for (int i = sent; i < routingKeys.length; i++) {
            failures.put(i, new PublishException("Did not send " + describe(i) + ": "
                    + (stopped == null ? "the batch stopped" : ChannelFailures.reason(stopped)), stopped));
        }
        if (failures.isEmpty()) {
            return null;
        }
        Map.Entry<Integer, PublishException> first = failures.entrySet().iterator().next();
        return new BatchPublishException(failures.size() + " of " + routingKeys.length + " messages to exchange '"
                + exchange + "' are not known to be published (" + sent + " sent); the first, message "
                + first.getKey() + ": " + first.getValue().getMessage(), routingKeys.length, sent, failures, stopped);
    }

    /** The failure again, for the caller's stack trace, naming the message: it was made on the connection's thread. */
    private PublishException anew(int index, Throwable failure) {
        if (failure instanceof UnroutableException returned) {
            return new UnroutableException(returned.replyCode(), returned.replyText(), returned.exchange(),
                    returned.routingKey());
        }
        return new PublishException("Message " + index + " of the batch: " + failure.getMessage(), failure);
    }

    private String describe(int index) {
        return "message " + index + " of the batch (exchange '" + exchange + "', routing key '" + routingKeys[index]
                + "')";
    }
}
