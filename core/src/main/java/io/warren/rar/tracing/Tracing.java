package io.warren.rar.tracing;

import com.rabbitmq.client.AMQP;
import io.warren.rar.messages.ReceivedMessage;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * W3C trace context across RabbitMQ, and Warren's spans, where the adapter can see the
 * OpenTelemetry API: a publish made inside a traced request carries {@code traceparent} (and
 * {@code tracestate}) headers, and a delivery that carries them runs the MDB inside a span whose
 * parent is the publisher's. Spans are recorded with the {@code OpenTelemetry} the application
 * registered ({@link ApplicationTelemetry}, done by {@code warren-cdi}), else with the global one.
 * <p>
 * The adapter does not depend on OpenTelemetry: whether its API is visible to the RAR's class
 * loader is decided once, when this class loads. Where it is not, {@link #publish} and
 * {@link #process} return {@link #NONE}, headers stay untouched, and nothing is allocated. Where it
 * is, the work happens only for a publish made while a span is current or by an application that
 * registered its OpenTelemetry, or a delivery that carries a {@code traceparent} header or goes to
 * such an application's MDB; see {@code OpenTelemetryTracing}.
 * <p>
 * One per deployed resource adapter ({@link #create()}), holding that adapter's registry of
 * applications' OpenTelemetry: the same RAR deployed twice in one server (or two adapters in one
 * class loader) keeps two registries, each behind its own {@code io.warren:type=Telemetry} MBean.
 */
public abstract class Tracing {

    /**
     * System property: {@code false} turns Warren's spans off while the trace context still
     * propagates, for servers run with the OpenTelemetry Java agent, whose amqp-client
     * instrumentation records the same publishes and deliveries.
     */
    public static final String SPANS_PROPERTY = "warren.tracing.spans";

    private static final Logger LOG = Logger.getLogger(Tracing.class.getName());

    /**
     * A span of Warren's, ended by {@link #close()}; a process span is current on its thread until
     * then. {@link #NONE} where nothing is traced.
     */
    public interface Span extends AutoCloseable {

        /**
         * @param properties the message's properties
         * @return the properties with this span's trace context in their headers (a copy), or the same
         *     properties where there is nothing to add
         */
        AMQP.BasicProperties inject(AMQP.BasicProperties properties);

        /** Ends the span and restores the thread's previous context. */
        @Override
        void close();
    }

    /** Nothing traced: returned where OpenTelemetry is absent, or present but nothing is traced. */
    public static final Span NONE = new Span() {
        @Override
        public AMQP.BasicProperties inject(AMQP.BasicProperties properties) {
            return properties;
        }

        @Override
        public void close() {
        }
    };

    /**
     * A publish: call before building the message's wire properties, close after sending it. The
     * application is the one of the publishing thread's context class loader.
     *
     * @param exchange the exchange published to ({@code ""} for the default exchange)
     * @param routingKey the message's routing key
     * @return the publish span, or {@link #NONE} when nothing is traced
     */
    public Span publish(String exchange, String routingKey) {
        try {
            return publishing(exchange, routingKey, Thread.currentThread().getContextClassLoader());
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    /**
     * A delivery to an MDB: call on the delivering thread before the endpoint runs, close after.
     *
     * @param message the delivered message
     * @param application the MDB class's class loader, or null when the container does not say
     * @return the process span, current until closed, or {@link #NONE} when nothing is traced
     */
    public Span process(ReceivedMessage message, ClassLoader application) {
        try {
            return processing(message, application);
        } catch (RuntimeException e) {
            return failed(e);
        }
    }

    /** An application's OpenTelemetry that throws must not fail a publish or a delivery: it goes untraced. */
    private static Span failed(RuntimeException e) {
        LOG.log(Level.FINE, "OpenTelemetry failed; the message goes on untraced", e);
        return NONE;
    }

    /**
     * A failed delivery goes back for another attempt: an event on the current (process) span.
     *
     * @param attempt the delivery attempt that failed, from 1
     * @param delayed whether the message waits in a retry queue rather than being requeued at once
     * @param reason why it failed, or null
     */
    public void retried(int attempt, boolean delayed, Throwable reason) {
        try {
            retry(attempt, delayed, reason);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /**
     * A message was dead-lettered (its copy is in the target): an event on the current (process) span.
     *
     * @param target where the copy went, as the log names it
     * @param reason why
     */
    public void deadLettered(String target, String reason) {
        try {
            deadLetter(target, reason);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** @return where applications register their OpenTelemetry with this adapter (its {@code io.warren:type=Telemetry} MBean) */
    public ApplicationTelemetry applications() {
        return registry();
    }

    /** @return whether this RAR's class loader sees the OpenTelemetry API */
    public static boolean available() {
        return AVAILABLE;
    }

    /**
     * @return the tracing of one deployed resource adapter, with a registry of its own: OpenTelemetry's
     *     where the RAR's class loader sees the API, else one that traces nothing
     */
    public static Tracing create() {
        if (!AVAILABLE) {
            return absent();
        }
        try {
            return (Tracing) OPEN_TELEMETRY.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(Level.WARNING, "The OpenTelemetry API is visible to Warren but not usable (" + e
                    + "): messages carry no trace context", e);
            return absent();
        }
    }

    abstract Span publishing(String exchange, String routingKey, ClassLoader application);

    abstract Span processing(ReceivedMessage message, ClassLoader application);

    abstract void retry(int attempt, boolean delayed, Throwable reason);

    abstract void deadLetter(String target, String reason);

    abstract ApplicationTelemetry registry();

    static boolean spansRecorded() {
        return !"false".equalsIgnoreCase(System.getProperty(SPANS_PROPERTY, "true").trim());
    }

    /** @return a tracing for where the OpenTelemetry API is not visible: nothing is traced, every registration refused */
    static Tracing absent() {
        ApplicationTelemetry refusing = new ApplicationTelemetry(anything -> false,
                "the OpenTelemetry API is not visible to Warren (docs/tracing.md)", false);
        return new Tracing() {
            @Override
            Span publishing(String exchange, String routingKey, ClassLoader application) {
                return NONE;
            }

            @Override
            Span processing(ReceivedMessage message, ClassLoader application) {
                return NONE;
            }

            @Override
            void retry(int attempt, boolean delayed, Throwable reason) {
            }

            @Override
            void deadLetter(String target, String reason) {
            }

            @Override
            ApplicationTelemetry registry() {
                return refusing;
            }
        };
    }

    /**
     * The OpenTelemetry side, found once per class loader (so per deployed RAR) and never changed;
     * null where the API is not visible. Loaded by name, so that no class of it is linked, and no
     * API class looked for again, where the API is not there.
     */
    private static final Class<?> OPEN_TELEMETRY = detect();
    private static final boolean AVAILABLE = OPEN_TELEMETRY != null;

    private static Class<?> detect() {
        ClassLoader loader = Tracing.class.getClassLoader();
        try {
            Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, loader);
            Class.forName("io.opentelemetry.context.Context", false, loader);
        } catch (ClassNotFoundException | LinkageError absent) {
            LOG.info("Trace propagation is off: the OpenTelemetry API is not visible to Warren (docs/tracing.md)");
            return null;
        }
        try {
            Class<?> tracing = Class.forName(Tracing.class.getPackageName() + ".OpenTelemetryTracing", true, loader);
            LOG.info(spansRecorded()
                    ? "Trace propagation is on: Warren uses the OpenTelemetry API that the server provides, and records"
                    + " its spans with the OpenTelemetry of each application that bundles warren-cdi, else the global one"
                    : "Trace propagation is on; Warren records no spans of its own (" + SPANS_PROPERTY + "=false)");
            return tracing;
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.log(Level.WARNING, "The OpenTelemetry API is visible to Warren but not usable (" + e
                    + "): messages carry no trace context", e);
            return null;
        }
    }
}
