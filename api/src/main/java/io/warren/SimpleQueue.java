package io.warren;

import java.time.Duration;
import java.util.Optional;

/**
 * kombu's {@code SimpleQueue}: one queue to put messages in and get them out of, for EJBs and batch
 * jobs that want neither an MDB nor a producer's settings. Taken from
 * {@link ConnectionFactory#simpleQueue(Queue)}, which declares the queue; closed with
 * try-with-resources. Thread-safe: each call borrows a pooled channel and gives it back.
 *
 * <pre>{@code
 * try (SimpleQueue jobs = factory.simpleQueue("jobs")) {
 *     jobs.put(Map.of("report", 42));
 *     jobs.get(Duration.ofSeconds(5)).ifPresent(job -> {
 *         run(job.payload(Map.class));
 *         job.ack();
 *     });
 * }
 * }</pre>
 *
 * <p>A message {@link #get got} holds the pooled channel it came on until it is settled
 * ({@link Message#ack()}, {@link Message#reject()}, {@link Message#requeue()}): the broker lets
 * only that channel settle it. Settle it promptly; one left unsettled goes back to the queue when
 * this queue closes, or when the broker connection is lost. Waiting for a message holds no
 * channel: a blocking {@code get} polls with basic.get, giving the channel back between polls.
 * Inside a JTA transaction, puts and settlements take effect when it commits.
 */
public interface SimpleQueue extends AutoCloseable {

    /** @return the queue's name */
    String name();

    /**
     * Publishes the payload to the queue (through the default exchange), JSON-encoded, persistent,
     * waiting for the broker's confirm.
     *
     * @param payload what to put in the queue
     * @throws PublishException when the broker does not take it
     */
    void put(Object payload);

    /**
     * Publishes the message to the queue; its routing key, if any, is ignored.
     *
     * @param message the message, with its own properties and headers
     * @throws PublishException when the broker does not take it
     */
    void put(OutgoingMessage message);

    /**
     * Takes the next message if there is one, without waiting (kombu's {@code get(block=False)}).
     *
     * @return the message, to settle; empty when the queue is empty
     * @throws WarrenException when no channel can be had (the broker unreachable, the pool
     *     exhausted) or this queue is closed
     */
    Optional<Message> get();

    /**
     * Takes the next message, waiting up to the timeout for one (kombu's
     * {@code get(block=True, timeout=...)}). Polls the queue, first every 10 ms, then less often
     * up to every 250 ms; no pooled channel is held between polls. An interrupt ends the wait with
     * empty and the thread's interrupt flag set.
     *
     * @param timeout how long to wait at most; zero for no wait
     * @return the message, to settle; empty when none came in time
     * @throws WarrenException when no channel can be had (the broker unreachable, the pool
     *     exhausted) or this queue is closed; a failed poll is not tried again
     */
    Optional<Message> get(Duration timeout);

    /** @return how many messages are ready in the queue, as the broker counts them */
    long qsize();

    /**
     * Removes every message ready in the queue.
     *
     * @return how many were removed
     */
    long clear();

    /** Requeues the messages got from this queue and not settled yet, and gives their channels back. */
    @Override
    void close();
}
