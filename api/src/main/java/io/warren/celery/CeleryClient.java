package io.warren.celery;

import io.warren.ConnectionFactory;
import io.warren.Message;
import io.warren.Producer;
import io.warren.celery.spi.CeleryProtocol;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Sends tasks to Celery workers in Celery's message protocol v2, and reads their results from
 * Celery's {@code rpc://} result backend: the task goes out with {@code reply_to} set to Warren's
 * reply address (RabbitMQ's direct reply-to, or the factory's {@code replyQueue}) and its task id
 * as correlation id, and the worker publishes its result there. The workers need
 * {@code result_backend = 'rpc://'} (or none at all: {@link #send} needs no backend) and JSON,
 * Celery's default serializer. Thread-safe.
 *
 * <pre>{@code
 * CeleryClient celery = CeleryClient.of(factory);
 * celery.call(TaskCall.of("tasks.add").args(2, 3).build(), Duration.ofSeconds(10))
 *       .thenAccept(sum -> log(sum));                        // 5, as JSON decodes it: a Long
 * }</pre>
 *
 * Tasks are published through the default exchange to the call's queue ({@code celery} unless
 * {@link TaskCall.Builder#queue set}). Results complete their stages on the adapter's threads, as
 * {@link Producer#requestAsync} says, and calls are refused inside a JTA transaction for the same
 * reason. A task's interim states (STARTED with {@code task_track_started=True}, RETRY when it
 * calls {@code self.retry()}, a custom state of {@code update_state}) are passed over: the call
 * waits, within its timeout, for the final SUCCESS, FAILURE or REVOKED. Not supported: groups,
 * chords and chains (Celery's canvas beyond {@code link}).
 */
public final class CeleryClient {

    private final Producer producer;
    private final CeleryProtocol protocol;

    private CeleryClient(Producer producer, CeleryProtocol protocol) {
        this.producer = producer;
        this.protocol = protocol;
    }

    /**
     * @param factory the connection factory whose connections send the tasks and receive the results
     * @return a client that publishes through the default exchange
     */
    public static CeleryClient of(ConnectionFactory factory) {
        return on(factory.producer(Producer.to("").build()));
    }

    /**
     * @param producer a producer to the default exchange ({@code ""}), whose routing key a task's
     *     queue overrides; its confirms, retry policy and declarations apply to {@link #send}
     * @return a client that publishes through it
     */
    public static CeleryClient on(Producer producer) {
        if (!producer.settings().exchange().isEmpty()) {
            throw new IllegalArgumentException("A CeleryClient publishes to a task's queue through the default "
                    + "exchange (''), but this producer publishes to exchange '" + producer.settings().exchange()
                    + "'; make it with Producer.to(\"\")");
        }
        return new CeleryClient(producer, CeleryProtocol.load());
    }

    /**
     * Sends the task without waiting for, or asking for, its result (no {@code reply_to}).
     *
     * @param call the task to run
     * @return the task id it was sent with
     * @throws io.warren.WarrenException when it cannot be published
     */
    public String send(TaskCall call) {
        var message = protocol.task(call);
        producer.publish(message);
        return message.correlationId();
    }

    /**
     * Sends the task and returns a stage of its result, as JSON decodes it ({@code Long},
     * {@code Double}, {@code String}, {@code Boolean}, {@code List}, {@code Map}, or null).
     *
     * <p>The stage fails with a {@link CeleryTaskException} carrying Celery's exception type,
     * module, message and traceback when the task raised; with an
     * {@link io.warren.RequestTimeoutException} when no result came within the timeout (a
     * countdown or eta counts in it); and as {@link Producer#requestAsync} says otherwise.
     *
     * @param call the task to run
     * @param timeout how long to wait for its result; positive
     * @return a stage that completes with the task's return value
     */
    public CompletionStage<Object> call(TaskCall call, Duration timeout) {
        var message = protocol.task(call);
        String id = message.correlationId();
        return producer.requestAsync(message, timeout, protocol::isFinal)
                .thenApply(reply -> protocol.outcome(call, id, reply));
    }

    /**
     * {@link #call} and wait: the task's result, or its failure thrown.
     *
     * @param call the task to run
     * @param timeout how long to wait for its result; positive
     * @return the task's return value, as JSON decodes it
     * @throws CeleryTaskException when the task raised
     * @throws io.warren.RequestTimeoutException when no result came in time
     */
    public Object callAndWait(TaskCall call, Duration timeout) {
        var message = protocol.task(call);
        Message reply = producer.request(message, timeout, protocol::isFinal);
        return protocol.outcome(call, message.correlationId(), reply);
    }
}
