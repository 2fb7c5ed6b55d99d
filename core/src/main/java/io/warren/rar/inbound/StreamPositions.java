package io.warren.rar.inbound;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where an activation has got to in each stream it reads: the offset of the last message settled
 * there (acked or dead-lettered). A consumer that replaces a lost one reads on from the next
 * offset instead of from {@code streamOffset} again, so a reconnect neither repeats nor skips.
 * Kept per activation, in memory: a redeploy starts from {@code streamOffset}.
 */
final class StreamPositions {

    private final Map<String, Long> settled = new ConcurrentHashMap<>();

    /** @param offset the delivery's {@code x-stream-offset} header */
    void settled(String stream, Object offset) {
        if (offset instanceof Number number) {
            settled.merge(stream, number.longValue(), Math::max);
        }
    }

    /** A delivery at this offset did not run: the next consumer reads from it, at the latest. */
    void readAgain(String stream, Object offset) {
        if (offset instanceof Number number) {
            settled.merge(stream, number.longValue() - 1, Math::min);
        }
    }

    /** @return the offset to resume reading the stream from, or null before anything was settled */
    Long resumeAt(String stream) {
        Long last = settled.get(stream);
        return last == null ? null : last + 1;
    }
}
