package io.warren.rar.tracing;

import com.rabbitmq.client.AMQP;
import io.warren.rar.messages.ReceivedMessage;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * W3C trace context across RabbitMQ, where the adapter can see the OpenTelemetry API: a publish
 * made inside a traced request carries {@code traceparent} (and {@code tracestate}) headers,
 * and a delivery that carries them runs the MDB inside a span whose parent is the publisher's.
 * <p>
 * The adapter does not depend on OpenTelemetry: whether its API is visible to the RAR's class
 * loader is decided once, when this class loads. Where it is not, {@link #publish} and
 * {@link #process} return {@link #NONE}, headers stay untouched, and nothing is allocated. Where it
 * is, the work happens only for a publish made while a span is current, or a delivery that carries
 * a {@code traceparent} header; see {@code OpenTelemetryTracing}.
 */
public abstract class Tracing {

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
     * A publish: call before building the message's wire properties, close after sending it.
     *
     * @param exchange the exchange published to ({@code ""} for the default exchange)
     * @param routingKey the message's routing key
     * @return the publish span, or {@link #NONE} when no span is current on this thread
     */
    public static Span publish(String exchange, String routingKey) {
        return TRACING.publishing(exchange, routingKey);
    }

    /**
     * A delivery to an MDB: call on the delivering thread before the endpoint runs, close after.
     *
     * @param message the delivered message
     * @return the process span, current until closed, or {@link #NONE} when the message carries no trace
     */
    public static Span process(ReceivedMessage message) {
        return TRACING.processing(message);
    }

    /** @return whether this RAR's class loader sees the OpenTelemetry API */
    public static boolean available() {
        return TRACING != ABSENT;
    }

    abstract Span publishing(String exchange, String routingKey);

    abstract Span processing(ReceivedMessage message);

    /** Where the OpenTelemetry API is not visible. */
    static final Tracing ABSENT = new Tracing() {
        @Override
        Span publishing(String exchange, String routingKey) {
            return NONE;
        }

        @Override
        Span processing(ReceivedMessage message) {
            return NONE;
        }
    };

    /** What the adapter's classes do here: immutable, one per class loader, so per deployed RAR. */
    private static final Tracing TRACING = detect();

    /**
     * Loads the OpenTelemetry side by name, so that no class of it is linked, and no API class
     * looked for again, where the API is not there.
     */
    private static Tracing detect() {
        ClassLoader loader = Tracing.class.getClassLoader();
        try {
            Class.forName("io.opentelemetry.api.GlobalOpenTelemetry", false, loader);
            Class.forName("io.opentelemetry.context.Context", false, loader);
        } catch (ClassNotFoundException | LinkageError absent) {
            LOG.info("Trace propagation is off: the OpenTelemetry API is not visible to Warren (docs/tracing.md)");
            return ABSENT;
        }
        try {
            Tracing tracing = (Tracing) Class.forName(Tracing.class.getPackageName() + ".OpenTelemetryTracing", true,
                    loader).getDeclaredConstructor().newInstance();
            LOG.info("Trace propagation is on: Warren uses the OpenTelemetry API that the server provides");
            return tracing;
        } catch (ReflectiveOperationException | LinkageError e) {
            LOG.log(Level.WARNING, "The OpenTelemetry API is visible to Warren but not usable (" + e
                    + "): messages carry no trace context", e);
            return ABSENT;
        }
    }
}
