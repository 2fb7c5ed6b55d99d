package io.warren;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Some messages of a {@link Producer#publishAll(java.util.List) publishAll} are not known to have
 * reached the broker: each is named by its index in the list, with what happened to it. Every
 * message not named was published (and, with confirms, confirmed by the broker).
 *
 * <p>A message's failure is an {@link UnroutableException} when the broker returned it (a
 * mandatory producer), or a {@link PublishException} saying whether it was sent at all: one the
 * broker nacked, that was not confirmed in time, or whose channel closed before its confirm may
 * or may not have been routed; one from {@link #sent()} on never left Warren.
 */
public class BatchPublishException extends PublishException {

    /** How many messages the batch had. */
    private final int size;
    /** How many of them, from the first, were sent. */
    private final int sent;
    /** Each failed message's failure, by its index in the batch. */
    private final SortedMap<Integer, PublishException> failures;

    /**
     * @param message what happened to the batch
     * @param size how many messages the batch had
     * @param sent how many of them, from the first, were handed to the broker connection
     * @param failures the failed messages' failures by index in the batch; not empty
     * @param cause what stopped the batch, or null
     */
    public BatchPublishException(String message, int size, int sent, Map<Integer, PublishException> failures,
                                 Throwable cause) {
        super(message, cause);
        this.size = size;
        this.sent = sent;
        this.failures = Collections.unmodifiableSortedMap(new TreeMap<>(failures));
    }

    /** @return how many messages the batch had */
    public int size() {
        return size;
    }

    /**
     * @return how many messages, from the first, were sent; those at this index and after were
     *     never sent and are each named in {@link #failures()}
     */
    public int sent() {
        return sent;
    }

    /**
     * @return the failure of each message not known to be published, by its index in the list
     *     given to {@code publishAll}, in index order; the messages not in it were published
     */
    public SortedMap<Integer, PublishException> failures() {
        return failures;
    }
}
