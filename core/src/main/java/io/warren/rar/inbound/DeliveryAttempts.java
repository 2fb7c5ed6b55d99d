package io.warren.rar.inbound;

import io.warren.rar.messages.ReceivedMessage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Counts the deliveries of each message, so that a message failing every time is dead-lettered
 * after {@code maxDeliveries} instead of requeued forever. Quorum queues count for us
 * ({@code x-delivery-count}); classic queues keep no count, so failures are remembered here, per
 * activation, by message id or else by a digest of queue, routing key and body. A count kept here
 * does not survive a redeploy or reach other servers: there a message gets up to
 * {@code maxDeliveries} more attempts.
 *
 * <p>Which of the two is chosen by the queue's configured type, never by the headers: on a classic
 * queue an {@code x-delivery-count} is the publisher's (or a stale copy's), and trusting it would
 * leave a failing message uncounted, requeued forever. A first delivery ({@code redelivered}
 * false) is the first in its queue on either type.
 *
 * <p>A message back from a retry queue ({@link Redeliveries}) is a new message to its queue; it
 * carries the count of its failures so far ({@link RetryTrip}, believed only when it came back out
 * of a retry queue of this queue with Warren's signature), added to what is counted here.
 *
 * <p>A delivery the container turned away (the MDB never ran) is no attempt, but a quorum queue
 * counts it all the same: those are remembered here too and taken off the broker's count.
 */
final class DeliveryAttempts {

    private static final int REMEMBERED = 10_000;

    private final Map<String, Integer> failures = remembered();
    private final Map<String, Integer> refusals = remembered();
    private final Set<String> quorumQueues;
    private final TripSignature signature;

    /**
     * @param quorumQueues the consumed queues configured as quorum queues: the broker counts their deliveries
     * @param signature what a retry copy's count must be signed with to be believed
     */
    DeliveryAttempts(Set<String> quorumQueues, TripSignature signature) {
        this.quorumQueues = Set.copyOf(quorumQueues);
        this.signature = signature;
    }

    private static Map<String, Integer> remembered() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                return size() > REMEMBERED;
            }
        };
    }

    /** @return which delivery of this message this is, 1 for the first */
    int attempt(ReceivedMessage message) {
        return failedBefore(message) + attemptHere(message);
    }

    /** @return the failed deliveries a copy from a retry queue carries ({@link Redeliveries}); 0 for others */
    private int failedBefore(ReceivedMessage message) {
        RetryTrip trip = RetryTrip.of(signature, message.queue(), message.properties().getHeaders(), message.rawBody());
        return trip == null ? 0 : trip.failures();
    }

    /** @return the broker's count of earlier deliveries of the message in its quorum queue, or null when it keeps none */
    private Integer brokerCount(ReceivedMessage message) {
        if (!quorumQueues.contains(message.queue())) {
            return null;
        }
        return message.header("x-delivery-count") instanceof Number earlier ? earlier.intValue() : null;
    }

    /** @return which delivery of this message in its queue this is, 1 for the first */
    private int attemptHere(ReceivedMessage message) {
        if (!message.redelivered()) {
            return 1;
        }
        Integer earlier = brokerCount(message);
        if (earlier != null) {
            return Math.max(1, earlier + 1 - refusalsOf(message));
        }
        synchronized (failures) {
            return failures.getOrDefault(key(message), 0) + 1;
        }
    }

    /** Remembers that this delivery failed and the message goes back to its queue. */
    void failed(ReceivedMessage message, int attempt) {
        if (brokerCount(message) == null) {
            synchronized (failures) {
                failures.put(key(message), attempt - failedBefore(message));
            }
        }
    }

    /** Remembers that the container turned this delivery away and the message goes back to its queue. */
    void refused(ReceivedMessage message) {
        String key = key(message);
        synchronized (refusals) {
            refusals.merge(key, 1, Integer::sum);
        }
    }

    /** Forgets the message: it was acked or dead-lettered. */
    void settled(ReceivedMessage message) {
        if (!message.redelivered()) {
            return; // a first delivery: nothing remembered of it
        }
        boolean countedHere = brokerCount(message) == null;
        boolean anyRefused = anyRefused();
        if (!countedHere && !anyRefused) {
            return;
        }
        String key = key(message);
        if (countedHere) {
            synchronized (failures) {
                failures.remove(key);
            }
        }
        if (anyRefused) {
            synchronized (refusals) {
                refusals.remove(key);
            }
        }
    }

    private int refusalsOf(ReceivedMessage message) {
        if (!anyRefused()) {
            return 0; // the usual case: no digest of the body on the delivery path
        }
        String key = key(message);
        synchronized (refusals) {
            return refusals.getOrDefault(key, 0);
        }
    }

    private boolean anyRefused() {
        synchronized (refusals) {
            return !refusals.isEmpty();
        }
    }

    private static String key(ReceivedMessage message) {
        if (message.messageId() != null) {
            return message.queue() + "\u0000id:" + message.messageId();
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(message.queue().getBytes(StandardCharsets.UTF_8));
            digest.update(ByteBuffer.allocate(1).put((byte) 0).flip());
            digest.update(message.routingKey().getBytes(StandardCharsets.UTF_8));
            digest.update(message.rawBody());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
