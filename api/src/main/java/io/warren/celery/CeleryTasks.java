package io.warren.celery;

import io.warren.DecodeException;
import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.celery.spi.CeleryProtocol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Celery tasks a {@link io.warren.ReplyingListener} MDB serves, by name: it reads Celery's task
 * message (protocol v2), runs the task's handler, and returns Celery's {@code rpc://} result
 * message for the MDB to answer with, so that Python's {@code AsyncResult.get()} returns what the
 * handler returned, or raises what it threw. Immutable and thread-safe.
 *
 * <pre>{@code
 * @MessageDriven(activationConfig = @ActivationConfigProperty(propertyName = "queue", propertyValue = "java-tasks"))
 * public class Billing implements ReplyingListener {
 *     private final CeleryTasks tasks = CeleryTasks.builder()
 *             .task("billing.charge", task -> charge((String) task.arg(0), ((Number) task.arg(1)).longValue()))
 *             .build();
 *
 *     public OutgoingMessage onRequest(Message request) {
 *         return tasks.serve(request);
 *     }
 * }
 * }</pre>
 *
 * <ul>
 * <li>A handler's exception becomes Celery's FAILURE result: the task failed, the delivery
 *     succeeded (acked). Its class's simple name is the Python exception's type, unless it is a
 *     {@link CeleryTaskException}, which names the Python type and module itself.</li>
 * <li>A task name not served here, or a message that is no Celery task, throws an
 *     {@link UnknownTaskException} (a {@link DecodeException}): the MDB's consumer dead-letters it
 *     at once, the dead letter's {@code x-warren-exception-message} saying which name came and
 *     which are served. Route each Java task to the MDB's queue with Celery's {@code task_routes}.</li>
 * <li>An {@link Error}, or a transaction that rolls back, sends no result: the delivery is tried
 *     again, and dead-lettered after {@code maxDeliveries}, as for any MDB.</li>
 * </ul>
 */
public final class CeleryTasks {

    /** Runs one Celery task. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param task the task, with its arguments
         * @return its result, which JSON encodes; null for Python's None
         * @throws Exception the task's failure, which Python's {@code AsyncResult.get()} raises
         */
        Object run(CeleryTask task) throws Exception;
    }

    private final Map<String, Handler> handlers;
    private final CeleryProtocol protocol;

    private CeleryTasks(Map<String, Handler> handlers, CeleryProtocol protocol) {
        this.handlers = Map.copyOf(handlers);
        this.protocol = protocol;
    }

    /** @return a builder of served tasks */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the task names served */
    public Set<String> names() {
        return handlers.keySet();
    }

    /**
     * Runs the task the message carries and returns its result message (to be returned from
     * {@link io.warren.ReplyingListener#onRequest}).
     *
     * @param request a Celery task message
     * @return the Celery result of the task: SUCCESS with its value, or FAILURE with its exception
     * @throws UnknownTaskException when the message is no Celery task or names a task not served here
     */
    public OutgoingMessage serve(Message request) {
        CeleryTask task = protocol.read(request);
        Handler handler = handlers.get(task.name());
        if (handler == null) {
            throw new UnknownTaskException("Celery task '" + task.name() + "' (id " + task.id() + ") came to queue '"
                    + request.queue() + "', whose MDB serves only " + new TreeSet<>(handlers.keySet())
                    + "; route each task to the queue of the MDB that serves it (Celery's task_routes)",
                    request.contentType());
        }
        try {
            return protocol.success(task.id(), handler.run(task));
        } catch (Exception failure) {
            return protocol.failure(task.id(), failure);
        }
    }

    /**
     * @param request a message
     * @return the Celery task it carries
     * @throws UnknownTaskException when it is no Celery task in protocol v2
     */
    public static CeleryTask read(Message request) {
        return CeleryProtocol.load().read(request);
    }

    /** Builds {@link CeleryTasks}. */
    public static final class Builder {

        private final Map<String, Handler> handlers = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * @param name a task name, as Python's {@code app.send_task(name, ...)} sends it
         * @param handler what runs it
         * @return this builder
         */
        public Builder task(String name, Handler handler) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("A served Celery task needs a name, for example 'billing.charge'");
            }
            if (handlers.putIfAbsent(name, Objects.requireNonNull(handler, "handler")) != null) {
                throw new IllegalArgumentException("Celery task '" + name + "' is served twice");
            }
            return this;
        }

        /** @return the served tasks */
        public CeleryTasks build() {
            if (handlers.isEmpty()) {
                throw new IllegalArgumentException("CeleryTasks serves no task: add one with task(name, handler)");
            }
            return new CeleryTasks(handlers, CeleryProtocol.load());
        }
    }
}
