package io.warren.rar.inbound;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.rar.harness.Broker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** What the coalescer sends on its channel, checked frame by frame against a broker's rules, without a broker. */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ)
class AckCoalescerTest {

    private static final long NEVER = Long.MAX_VALUE;

    /** A channel that records basic.ack and basic.reject, and can be made to fail as a closed one does. */
    private static final class RecordingChannel {
        final List<String> frames = new ArrayList<>();
        boolean closed;
        final Channel channel = (Channel) Proxy.newProxyInstance(Channel.class.getClassLoader(),
                new Class<?>[] {Channel.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "basicAck" -> {
                            failIfClosed();
                            frames.add("ack " + args[0] + ((Boolean) args[1] ? " multiple" : ""));
                            return null;
                        }
                        case "basicReject" -> {
                            failIfClosed();
                            frames.add(((Boolean) args[1] ? "requeue " : "reject ") + args[0]);
                            return null;
                        }
                        case "toString" -> {
                            return "RecordingChannel";
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                });

        private void failIfClosed() {
            if (closed) {
                throw new AlreadyClosedException(new ShutdownSignalException(false, false, null, channel));
            }
        }
    }

    private final RecordingChannel recording = new RecordingChannel();

    @Test
    void acksOfSuccessfulDeliveriesGoAsOneMultipleAck() throws Exception {
        AckCoalescer acks = new AckCoalescer(recording.channel, 100, NEVER);
        for (long tag = 1; tag <= 5; tag++) {
            acks.acked(tag);
        }
        assertEquals(List.of(), recording.frames, "held back until flushed");
        assertEquals(5, acks.held());
        acks.flush();
        assertEquals(List.of("ack 5 multiple"), recording.frames);
        acks.acked(6);
        acks.flush();
        assertEquals(List.of("ack 5 multiple", "ack 6"), recording.frames, "a single ack is not multiple");
        acks.flush();
        assertEquals(2, recording.frames.size(), "nothing held, nothing sent");
    }

    @Test
    void theHeldAcksGoBeforeARejectOrRequeueAndNeverCoverIt() throws Exception {
        AckCoalescer acks = new AckCoalescer(recording.channel, 100, NEVER);
        acks.acked(1);
        acks.acked(2);
        acks.rejected(3, true);
        acks.acked(4);
        acks.acked(5);
        acks.rejected(6, false);
        acks.rejected(7, true);
        acks.acked(8);
        acks.flush();
        assertEquals(List.of("ack 2 multiple", "requeue 3", "ack 5 multiple", "reject 6", "requeue 7", "ack 8"),
                recording.frames);
    }

    @Test
    void sendsOnceMaxHeldAreHeld() throws Exception {
        AckCoalescer acks = new AckCoalescer(recording.channel, 3, NEVER);
        for (long tag = 1; tag <= 7; tag++) {
            acks.acked(tag);
        }
        assertEquals(List.of("ack 3 multiple", "ack 6 multiple"), recording.frames);
        assertEquals(1, acks.held());
    }

    @Test
    void oneHeldAtMostMeansEachAckAtOnce() throws Exception {
        AckCoalescer acks = new AckCoalescer(recording.channel, 1, NEVER);
        acks.acked(1);
        acks.acked(2);
        assertEquals(List.of("ack 1", "ack 2"), recording.frames);
        assertFalse(acks.isHolding());
    }

    @Test
    void aTagThatSkipsOneNeverLetsAMultipleAckCoverTheSkippedOne() throws Exception {
        AckCoalescer acks = new AckCoalescer(recording.channel, 100, NEVER);
        acks.acked(1);
        acks.acked(2);
        acks.acked(4); // tag 3 never came through here: it must stay unacked
        acks.acked(5);
        acks.acked(6);
        acks.flush();
        assertEquals(List.of("ack 2 multiple", "ack 4", "ack 5", "ack 6"), recording.frames);
    }

    @Test
    void flushIfOlderSendsOnlyHeldAcksOlderThanTheDelay() throws Exception {
        AckCoalescer patient = new AckCoalescer(recording.channel, 100, NEVER);
        patient.acked(1);
        patient.flushIfOlder();
        assertEquals(List.of(), recording.frames);
        assertTrue(patient.isHolding());

        RecordingChannel other = new RecordingChannel();
        AckCoalescer eager = new AckCoalescer(other.channel, 100, 0);
        eager.flushIfOlder();
        assertEquals(List.of(), other.frames, "nothing held");
        eager.acked(1);
        eager.acked(2);
        eager.flushIfOlder();
        assertEquals(List.of("ack 2 multiple"), other.frames);
        assertFalse(eager.isHolding());
    }

    @Test
    void theAcksHeldOnAChannelThatDiedAreDroppedNotSentLater() throws Exception {
        AckCoalescer acks = new AckCoalescer(recording.channel, 100, NEVER);
        acks.acked(1);
        acks.acked(2);
        recording.closed = true;
        assertDoesNotThrow(acks::flushQuietly);
        assertEquals(0, acks.held(), "dropped: the broker requeued those messages with the channel");
        recording.closed = false;
        acks.flush();
        assertEquals(List.of(), recording.frames);
    }

    /**
     * Thousands of deliveries with random outcomes and random flushes, settled in order as the
     * consumer does, replayed against the broker's rules: a multiple ack acks every unacked tag up
     * to its own. No frame may ever ack a tag whose delivery did not succeed, no frame may name a
     * tag that is no longer unacked (the broker would close the channel), and in the end every
     * delivery is settled as decided.
     */
    @Test
    void noFrameEverAcksADeliveryThatDidNotSucceed() throws Exception {
        Random random = new Random(42);
        for (int run = 0; run < 200; run++) {
            RecordingChannel channel = new RecordingChannel();
            AckCoalescer acks = new AckCoalescer(channel.channel, 1 + random.nextInt(60), random.nextBoolean() ? 0 : NEVER);
            int deliveries = 1 + random.nextInt(300);
            TreeSet<Long> unacked = new TreeSet<>();
            List<Long> succeeded = new ArrayList<>();
            List<Long> failed = new ArrayList<>();
            for (long tag = 1; tag <= deliveries; tag++) {
                unacked.add(tag);
                int roll = random.nextInt(100);
                if (roll < 85) {
                    succeeded.add(tag);
                    acks.acked(tag);
                } else {
                    failed.add(tag);
                    acks.rejected(tag, roll % 2 == 0);
                }
                switch (random.nextInt(10)) {
                    case 0 -> acks.flush();
                    case 1 -> acks.flushIfOlder();
                    default -> { }
                }
                replay(channel, unacked, succeeded, failed);
            }
            acks.flush();
            replay(channel, unacked, succeeded, failed);
            assertEquals(new TreeSet<Long>(), unacked, "every delivery settled in the end");
        }
    }

    private static void replay(RecordingChannel channel, TreeSet<Long> unacked, List<Long> succeeded, List<Long> failed) {
        for (String frame : channel.frames) {
            String[] words = frame.split(" ");
            long tag = Long.parseLong(words[1]);
            if (!unacked.contains(tag)) {
                fail("'" + frame + "' names a tag that is not unacked: the broker would close the channel");
            }
            if (words[0].equals("ack")) {
                List<Long> covered = words.length == 3 ? new ArrayList<>(unacked.headSet(tag, true)) : List.of(tag);
                for (long acked : covered) {
                    if (!succeeded.contains(acked)) {
                        fail("'" + frame + "' acks tag " + acked + ", whose delivery did not succeed");
                    }
                    unacked.remove(acked);
                }
            } else {
                if (!failed.contains(tag)) {
                    fail("'" + frame + "' rejects tag " + tag + ", whose delivery succeeded");
                }
                unacked.remove(tag);
            }
        }
        channel.frames.clear();
    }
}
