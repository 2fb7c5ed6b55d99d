package io.warren.test.broker;

/** A message in one queue: its place ({@code seq}), when it expires, and what happened to it there. */
final class QueueEntry {

    final StoredMessage message;
    final long seq;
    final long expiresAt;
    boolean redelivered;
    int deliveryCount;

    QueueEntry(StoredMessage message, long seq, long expiresAt) {
        this.message = message;
        this.seq = seq;
        this.expiresAt = expiresAt;
    }
}
