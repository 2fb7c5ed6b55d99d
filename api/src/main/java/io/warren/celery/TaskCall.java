package io.warren.celery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A call of a Celery task by name, as {@link CeleryClient} sends it: arguments, keyword arguments,
 * the queue, when it may run ({@code countdown}/{@code eta}), when it expires, and the tasks linked
 * to its success or failure. Immutable; built with {@link #of(String)}.
 *
 * <pre>{@code
 * TaskCall add = TaskCall.of("tasks.add").args(2, 3).countdown(Duration.ofSeconds(5)).build();
 * }</pre>
 *
 * Arguments and results travel as JSON (Celery's default serializer): strings, numbers, booleans,
 * null, lists, maps, and what Warren's JSON encodes (records, {@code java.time}).
 */
public final class TaskCall {

    /** Celery's default queue. */
    public static final String DEFAULT_QUEUE = "celery";

    private final String name;
    private final List<Object> args;
    private final Map<String, Object> kwargs;
    private final String queue;
    private final String id;
    private final Instant eta;
    private final Duration countdown;
    private final Instant expires;
    private final int retries;
    private final List<TaskCall> links;
    private final List<TaskCall> errbacks;

    private TaskCall(Builder builder) {
        this.name = builder.name;
        this.args = Collections.unmodifiableList(new ArrayList<>(builder.args));
        this.kwargs = Collections.unmodifiableMap(new LinkedHashMap<>(builder.kwargs));
        this.queue = builder.queue;
        this.id = builder.id;
        this.eta = builder.eta;
        this.countdown = builder.countdown;
        this.expires = builder.expires;
        this.retries = builder.retries;
        this.links = List.copyOf(builder.links);
        this.errbacks = List.copyOf(builder.errbacks);
    }

    /**
     * @param name the task's registered name, as the worker knows it (for example {@code tasks.add})
     * @return a builder of a call of that task
     */
    public static Builder of(String name) {
        return new Builder(name);
    }

    /** @return the task's name */
    public String name() {
        return name;
    }

    /** @return the positional arguments */
    public List<Object> args() {
        return args;
    }

    /** @return the keyword arguments */
    public Map<String, Object> kwargs() {
        return kwargs;
    }

    /** @return the queue it is sent to ({@value #DEFAULT_QUEUE} unless set) */
    public String queue() {
        return queue;
    }

    /** @return the task id it is sent with, or null for a new UUID at each send */
    public String id() {
        return id;
    }

    /** @return when it may run at the earliest, or null */
    public Instant eta() {
        return eta;
    }

    /** @return how long after the send it may run at the earliest, or null */
    public Duration countdown() {
        return countdown;
    }

    /** @return when a worker discards it unrun, or null for never */
    public Instant expires() {
        return expires;
    }

    /** @return the retries it counts already (Celery's {@code retries} header) */
    public int retries() {
        return retries;
    }

    /** @return the tasks called with its result when it succeeds (Celery's {@code link}) */
    public List<TaskCall> links() {
        return links;
    }

    /** @return the tasks called when it fails (Celery's {@code link_error}) */
    public List<TaskCall> errbacks() {
        return errbacks;
    }

    @Override
    public String toString() {
        return "TaskCall[" + name + " to queue '" + queue + "', " + args.size() + " args, kwargs " + kwargs.keySet()
                + (eta != null ? ", eta " + eta : "") + (countdown != null ? ", countdown " + countdown : "") + "]";
    }

    /** Builds a {@link TaskCall}. */
    public static final class Builder {

        private final String name;
        private final List<Object> args = new ArrayList<>();
        private final Map<String, Object> kwargs = new LinkedHashMap<>();
        private String queue = DEFAULT_QUEUE;
        private String id;
        private Instant eta;
        private Duration countdown;
        private Instant expires;
        private int retries;
        private final List<TaskCall> links = new ArrayList<>();
        private final List<TaskCall> errbacks = new ArrayList<>();

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("A Celery task call needs the task's name, for example 'tasks.add'");
            }
            this.name = name;
        }

        /**
         * @param values the positional arguments, in order (null elements allowed)
         * @return this builder
         */
        public Builder args(Object... values) {
            args.addAll(Arrays.asList(values));
            return this;
        }

        /**
         * @param name a keyword argument's name
         * @param value its value
         * @return this builder
         */
        public Builder kwarg(String name, Object value) {
            kwargs.put(Objects.requireNonNull(name, "kwarg name"), value);
            return this;
        }

        /**
         * @param values keyword arguments by name
         * @return this builder
         */
        public Builder kwargs(Map<String, ?> values) {
            values.forEach(this::kwarg);
            return this;
        }

        /**
         * @param queue the queue the task is sent to, through the default exchange ({@value #DEFAULT_QUEUE} by default)
         * @return this builder
         */
        public Builder queue(String queue) {
            if (queue == null || queue.isEmpty()) {
                throw new IllegalArgumentException("A Celery task call's queue cannot be empty; Celery's default is '"
                        + DEFAULT_QUEUE + "'");
            }
            this.queue = queue;
            return this;
        }

        /**
         * @param id the task id (Celery's {@code id} header and correlation id); a new UUID when not set
         * @return this builder
         */
        public Builder id(String id) {
            this.id = id;
            return this;
        }

        /**
         * @param countdown how long after the send the worker may run it at the earliest; not with {@link #eta}
         * @return this builder
         */
        public Builder countdown(Duration countdown) {
            if (countdown.isNegative()) {
                throw new IllegalArgumentException("A Celery task's countdown cannot be negative: " + countdown);
            }
            this.countdown = countdown;
            return this;
        }

        /**
         * @param eta when the worker may run it at the earliest; not with {@link #countdown}
         * @return this builder
         */
        public Builder eta(Instant eta) {
            this.eta = Objects.requireNonNull(eta, "eta");
            return this;
        }

        /**
         * @param expires when a worker that has not run it yet discards it (as revoked)
         * @return this builder
         */
        public Builder expires(Instant expires) {
            this.expires = Objects.requireNonNull(expires, "expires");
            return this;
        }

        /**
         * @param retries the retries the task counts already (its {@code self.request.retries}); 0 by default
         * @return this builder
         */
        public Builder retries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("A Celery task's retries cannot be negative: " + retries);
            }
            this.retries = retries;
            return this;
        }

        /**
         * @param task a task the worker calls with this one's result prepended to its arguments,
         *     when this one succeeds (Celery's {@code link}); its queue is where it is sent
         * @return this builder
         */
        public Builder link(TaskCall task) {
            links.add(Objects.requireNonNull(task, "link"));
            return this;
        }

        /**
         * @param task a task the worker calls when this one fails (Celery's {@code link_error})
         * @return this builder
         */
        public Builder errback(TaskCall task) {
            errbacks.add(Objects.requireNonNull(task, "errback"));
            return this;
        }

        /** @return the call */
        public TaskCall build() {
            if (eta != null && countdown != null) {
                throw new IllegalArgumentException("A Celery task call takes a countdown or an eta, not both (task '"
                        + name + "')");
            }
            return new TaskCall(this);
        }
    }
}
