package io.warren.rar.inbound;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Settles the deliveries of one consumer channel, holding back the acks of deliveries that
 * succeeded so that one {@code basic.ack} with {@code multiple} settles several: a per-message ack
 * costs the broker about as much as the delivery itself.
 *
 * <p>Rules that keep it safe:
 * <ul>
 *   <li>only a delivery that succeeded is ever held back for an ack ({@link #acked}); a reject or
 *       requeue is sent at once, after the held acks ({@link #rejected});</li>
 *   <li>a {@code multiple} ack acks every unacked tag up to its own on the channel, so it is sent
 *       only while every tag up to it has passed through here, in order: the broker numbers a
 *       channel's deliveries 1, 2, 3..., and the consumer settles them in that order. A tag that
 *       arrives out of order means some delivery was not settled here: from then on this channel's
 *       acks go one by one ({@code multiple=false}), never covering it;</li>
 *   <li>they are sent after {@code maxHeld} acks; the owner also sends them when the oldest held
 *       ack is older than {@code maxDelayNanos} ({@link #flushIfOlder}), before a dead letter, a
 *       cancel or a close; the ack of a message whose copy was confirmed elsewhere is never held
 *       ({@link #ackedNow});</li>
 *   <li>held acks belong to this channel only: when it dies they are dropped (the broker has
 *       requeued those messages) and never sent on another.</li>
 * </ul>
 * Thread-safe: the consumer's Work settles, a watching Work and a stopping activation may flush.
 */
final class AckCoalescer {

    private static final Logger LOG = Logger.getLogger(AckCoalescer.class.getName());

    private final Channel channel;
    private final int maxHeld;
    private final long maxDelayNanos;
    /** The highest tag settled or held here; tags up to it have all passed through here when {@link #inOrder}. */
    private long lastTag;
    private boolean inOrder = true;
    /** The highest tag held back for an ack, and how many are held. */
    private long heldTag;
    private int held;
    /** The first delivery tag of the consumer tags consumed now (see {@link #newGeneration}). */
    private long generationStart = 1;
    /** Deliveries from {@link #generationStart} on that were settled on the channel. */
    private long settledInGeneration;
    /** When the oldest held ack was taken, or 0 when none is held; read without the lock as a hint. */
    private volatile long oldestHeldNanos;

    /**
     * @param maxHeld acks held at most before they are sent; 1 sends each at once
     * @param maxDelayNanos how old the oldest held ack may get before {@link #flushIfOlder()} sends it
     */
    AckCoalescer(Channel channel, int maxHeld, long maxDelayNanos) {
        if (maxHeld < 1) {
            throw new IllegalArgumentException("maxHeld must be at least 1: " + maxHeld);
        }
        this.channel = channel;
        this.maxHeld = maxHeld;
        this.maxDelayNanos = maxDelayNanos;
    }

    /**
     * The delivery of that tag succeeded: its ack is held back, or sent now when too many are held.
     *
     * @throws IOException when the channel failed to take an ack being sent now
     */
    synchronized void acked(long tag) throws IOException {
        if (!follows(tag)) {
            // not every tag below this one passed through here: never cover them with a multiple ack
            flush();
            channel.basicAck(tag, false);
            sent(tag, tag);
            return;
        }
        heldTag = tag;
        if (held++ == 0) {
            long now = System.nanoTime();
            oldestHeldNanos = now == 0 ? 1 : now; // 0 means none held
        }
        if (held >= maxHeld) {
            flush();
        }
    }

    /**
     * The delivery of that tag is settled by a copy the broker confirmed (a dead letter, a retry
     * copy): its ack goes now, with the held ones, rather than wait for more. Until it goes the
     * original holds a prefetch slot, and a lost connection would deliver it again beside its copy.
     *
     * @throws IOException when the channel failed to take the ack
     */
    synchronized void ackedNow(long tag) throws IOException {
        acked(tag);
        flush();
    }

    /** The delivery of that tag failed: the held acks go first, then the reject (or requeue), at once. */
    synchronized void rejected(long tag, boolean requeue) throws IOException {
        follows(tag);
        flush();
        channel.basicReject(tag, requeue);
        sent(tag, tag);
    }

    /** @return whether the tag is the next one of the channel; remembers it as the last one either way */
    private boolean follows(long tag) {
        boolean next = inOrder && tag == lastTag + 1;
        if (!next) {
            if (inOrder) {
                LOG.log(Level.FINE, "Delivery tag {0} settled after tag {1}: acks on this channel go one by one "
                        + "from now on", new Object[] {tag, lastTag});
            }
            inOrder = false;
        }
        lastTag = Math.max(lastTag, tag);
        return next;
    }

    /**
     * Sends the held acks: one {@code basic.ack}, with {@code multiple} when it settles several.
     *
     * @throws IOException when the channel failed; the held acks are dropped, the broker requeues
     *     their messages when the channel closes
     */
    synchronized void flush() throws IOException {
        if (held == 0) {
            return;
        }
        long tag = heldTag;
        boolean multiple = held > 1;
        int covered = held;
        held = 0;
        oldestHeldNanos = 0;
        channel.basicAck(tag, multiple);
        sent(tag - covered + 1, tag); // held acks are in order: they cover the run up to the tag
    }

    private void sent(long fromTag, long toTag) {
        settledInGeneration += Math.max(0, toTag - Math.max(fromTag, generationStart) + 1);
    }

    /**
     * The consumer consumes with new consumer tags, whose deliveries are numbered from this tag on:
     * from now on {@link #settledInGeneration()} counts theirs only.
     */
    synchronized void newGeneration(long firstTag) {
        generationStart = firstTag;
        settledInGeneration = 0;
    }

    /** @return how many deliveries of the current consumer tags were settled on the channel */
    synchronized long settledInGeneration() {
        return settledInGeneration;
    }

    /** A call made while nothing is settled on the channel, so that the broker gives the consumer no more credit. */
    interface Frozen<T> {
        T call() throws IOException;
    }

    /** Runs the call holding every settlement back (their callers wait): see {@link Subscriptions}. */
    synchronized <T> T whileNothingSettles(Frozen<T> call) throws IOException {
        return call.call();
    }

    /** Sends the held acks if the oldest is older than the delay; a channel that failed only drops them. */
    void flushIfOlder() {
        long oldest = oldestHeldNanos;
        if (oldest != 0 && System.nanoTime() - oldest >= maxDelayNanos) {
            flushQuietly();
        }
    }

    /** Sends the held acks; a channel that failed only drops them (the broker requeues those messages). */
    void flushQuietly() {
        try {
            flush();
        } catch (IOException | ShutdownSignalException e) {
            LOG.log(Level.FINE, "Could not send held acks on a closed channel; the broker redelivers those messages", e);
        }
    }

    /** @return how many acks are held back now */
    synchronized int held() {
        return held;
    }

    /** @return whether acks are held back now (a hint, read without the lock) */
    boolean isHolding() {
        return oldestHeldNanos != 0;
    }

    /** @return {@link System#nanoTime()} when the oldest held ack was taken, or 0 when none is held (a hint) */
    long oldestHeldNanos() {
        return oldestHeldNanos;
    }
}
