package io.warren.cdi.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.Meter;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Warren's MBeans (docs/monitoring.md) as OpenTelemetry instruments of the application's
 * {@link Meter}: asynchronous counters and gauges whose callbacks read the MBeans each time the
 * server's metric reader collects, so that activations and factories coming and going need no
 * bookkeeping. Names follow OpenTelemetry's messaging semantic conventions where they define one
 * ({@code messaging.client.consumed.messages}, {@code messaging.client.sent.messages}) and are
 * Warren's ({@code warren.*}) otherwise; every measurement carries {@code messaging.system=rabbitmq}.
 */
final class WarrenInstruments implements AutoCloseable {

    static final String SCOPE = "io.warren";
    private static final Logger LOG = Logger.getLogger(WarrenInstruments.class.getName());
    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> SUBSCRIPTION = AttributeKey.stringKey("messaging.destination.subscription.name");
    private static final AttributeKey<String> MDB = AttributeKey.stringKey("warren.mdb");
    private static final AttributeKey<String> FACTORY = AttributeKey.stringKey("warren.connection_factory");
    private static final AttributeKey<String> INSTANCE = AttributeKey.stringKey("warren.instance");

    /** A whole-number counter, a whole-number gauge, or a counter of seconds read as milliseconds. */
    private enum Kind { COUNTER, GAUGE, SECONDS }

    /** One instrument: the MBean attribute it reads. */
    private record Reading(String name, Kind kind, String unit, String mbeanType, String attribute, String description) {
    }

    private static Reading activation(String name, Kind kind, String unit, String attribute, String description) {
        return new Reading(name, kind, unit, "Activation", attribute, description);
    }

    private static Reading factory(String name, Kind kind, String unit, String attribute, String description) {
        return new Reading(name, kind, unit, "ConnectionFactory", attribute, description);
    }

    /** What docs/monitoring.md lists, in its order. */
    static final List<String> NAMES;
    private static final List<Reading> READINGS = List.of(
            activation("messaging.client.consumed.messages", Kind.COUNTER, "{message}", "Deliveries",
                    "messages the broker delivered to the MDB's consumers"),
            activation("warren.consumer.redeliveries", Kind.COUNTER, "{message}", "Redeliveries",
                    "deliveries the broker flagged as redelivered"),
            activation("warren.consumer.acks", Kind.COUNTER, "{message}", "Acks", "messages acked"),
            activation("warren.consumer.requeues", Kind.COUNTER, "{message}", "Requeues",
                    "messages requeued: failures below maxDeliveries (retries), container refusals, the MDB's requeue()"),
            activation("warren.consumer.rejects", Kind.COUNTER, "{message}", "Rejects", "messages the MDB rejected"),
            activation("warren.consumer.dead_letters", Kind.COUNTER, "{message}", "DeadLetters",
                    "copies the broker confirmed into the dead-letter target"),
            activation("warren.consumer.decode_failures", Kind.COUNTER, "{message}", "DecodeFailures",
                    "bodies that could not be decoded or whose content type was not accepted"),
            activation("warren.consumer.container_refusals", Kind.COUNTER, "{delivery}", "ContainerRefusals",
                    "deliveries the container turned away without running the MDB"),
            activation("warren.consumer.reconnects", Kind.COUNTER, "{connection}", "Reconnects",
                    "broker connections opened after the first one"),
            activation("warren.consumers.configured", Kind.GAUGE, "{consumer}", "ConsumersConfigured",
                    "the MDB's concurrency"),
            activation("warren.consumers.connected", Kind.GAUGE, "{consumer}", "ConsumersConnected",
                    "consumers whose channel is open now"),
            activation("warren.consumer.in_flight", Kind.GAUGE, "{message}", "DeliveriesInFlight",
                    "deliveries in the MDB's onMessage now"),
            activation("warren.consumer.held_bytes", Kind.GAUGE, "By", "HeldBytes",
                    "bytes of message bodies the consumers hold now"),
            activation("warren.consumer.on_message.calls", Kind.COUNTER, "{call}", "OnMessageCount",
                    "calls of the MDB's onMessage that returned or threw"),
            new Reading("warren.consumer.on_message.time", Kind.SECONDS, "s", "Activation", "OnMessageTotalMillis",
                    "time spent in the MDB's onMessage"),
            factory("messaging.client.sent.messages", Kind.COUNTER, "{message}", "Publishes",
                    "messages published (basic.publish sent)"),
            factory("warren.publisher.failures", Kind.COUNTER, "{message}", "PublishFailures",
                    "publishes the client could not send"),
            factory("warren.publisher.confirms", Kind.COUNTER, "{message}", "Confirms", "messages the broker confirmed"),
            factory("warren.publisher.nacks", Kind.COUNTER, "{message}", "Nacks", "messages the broker nacked"),
            factory("warren.publisher.returns", Kind.COUNTER, "{message}", "Returns",
                    "mandatory messages the broker returned as unroutable"),
            factory("warren.publisher.confirm_timeouts", Kind.COUNTER, "{message}", "ConfirmTimeouts",
                    "messages with no confirm within the producer's confirm timeout"),
            new Reading("warren.publisher.confirm.time", Kind.SECONDS, "s", "ConnectionFactory", "ConfirmLatencyTotalMillis",
                    "time from publish to confirm, summed over the confirms"),
            factory("warren.requests", Kind.COUNTER, "{request}", "Requests", "requests published"),
            factory("warren.replies", Kind.COUNTER, "{reply}", "Replies", "requests whose reply arrived"),
            factory("warren.request.timeouts", Kind.COUNTER, "{request}", "RequestTimeouts",
                    "requests with no reply within their timeout"),
            factory("warren.request.returns", Kind.COUNTER, "{request}", "RequestReturns",
                    "mandatory requests the broker returned as unroutable"),
            factory("warren.requests.failed", Kind.COUNTER, "{request}", "RequestsFailed",
                    "requests that failed as their reply could no longer arrive"),
            factory("warren.replies.dropped", Kind.COUNTER, "{reply}", "RepliesDropped",
                    "replies that matched no waiting request"),
            factory("warren.requests.in_flight", Kind.GAUGE, "{request}", "RequestsInFlight",
                    "requests waiting for their replies now"),
            new Reading("warren.reply.time", Kind.SECONDS, "s", "ConnectionFactory", "ReplyLatencyTotalMillis",
                    "time from request to reply, summed over the replies"),
            factory("warren.publisher.blocked", Kind.GAUGE, "1", "Blocked",
                    "1 while the broker blocks publishing on a connection of the factory (memory or disk alarm)"),
            factory("warren.pool.channels", Kind.GAUGE, "{channel}", "ChannelsOpen",
                    "channels open on the factory's connections (one per pooled managed connection)"),
            factory("warren.pool.managed_connections", Kind.GAUGE, "{connection}", "ManagedConnections",
                    "managed connections in the container's pool"),
            factory("warren.connections", Kind.GAUGE, "{connection}", "ConnectionsOpen", "broker connections open"));

    static {
        NAMES = READINGS.stream().map(Reading::name).toList();
    }

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final List<AutoCloseable> instruments = new ArrayList<>();

    WarrenInstruments(Meter meter) {
        for (Reading reading : READINGS) {
            instruments.add(switch (reading.kind()) {
                case COUNTER -> meter.counterBuilder(reading.name()).setUnit(reading.unit())
                        .setDescription(reading.description())
                        .buildWithCallback(measurement -> read(reading, (value, attributes) ->
                                measurement.record(value.longValue(), attributes)));
                case GAUGE -> meter.gaugeBuilder(reading.name()).ofLongs().setUnit(reading.unit())
                        .setDescription(reading.description())
                        .buildWithCallback(measurement -> read(reading, (value, attributes) ->
                                measurement.record(value.longValue(), attributes)));
                case SECONDS -> meter.counterBuilder(reading.name()).ofDoubles().setUnit(reading.unit())
                        .setDescription(reading.description())
                        .buildWithCallback(measurement -> read(reading, (value, attributes) ->
                                measurement.record(value.doubleValue() / 1000, attributes)));
            });
        }
    }

    private void read(Reading reading, BiConsumer<Number, Attributes> measurement) {
        try {
            for (ObjectName name : server.queryNames(new ObjectName("io.warren:type=" + reading.mbeanType() + ",*"), null)) {
                Object value;
                try {
                    value = server.getAttribute(name, reading.attribute());
                } catch (InstanceNotFoundException gone) {
                    continue;
                }
                measurement.accept(value instanceof Boolean flag ? (Number) (flag ? 1 : 0) : (Number) value,
                        attributes(name));
            }
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.FINE, "Could not read Warren's MBeans for " + reading.name(), e);
        }
    }

    private static Attributes attributes(ObjectName name) {
        AttributesBuilder attributes = Attributes.builder().put(SYSTEM, "rabbitmq");
        if ("Activation".equals(name.getKeyProperty("type"))) {
            attributes.put(MDB, value(name, "name")).put(SUBSCRIPTION, value(name, "queue"));
        } else {
            attributes.put(FACTORY, value(name, "name"));
        }
        if (name.getKeyProperty("instance") != null) {
            attributes.put(INSTANCE, name.getKeyProperty("instance"));
        }
        return attributes.build();
    }

    private static String value(ObjectName name, String key) {
        String value = name.getKeyProperty(key);
        return value == null ? "" : value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }

    @Override
    public void close() {
        for (AutoCloseable instrument : instruments) {
            try {
                instrument.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "Could not remove an instrument", e);
            }
        }
    }
}
