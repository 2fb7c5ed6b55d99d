package io.warren.rar.inbound;

import io.warren.Queue;
import io.warren.QueueType;
import io.warren.rar.config.BrokerConnector;
import io.warren.rar.config.ConnectionSettings;
import io.warren.rar.metrics.ActivationMetrics;
import io.warren.rar.serialization.Serializers;
import io.warren.rar.tracing.Tracing;
import jakarta.resource.spi.work.WorkManager;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What every consumer of one activation shares to deliver and settle its messages: made once per
 * activation and never changed, so a consumer needs nothing of the {@link Activation} but this and
 * its {@link ConsumerHost}. The parts it holds are thread-safe; the consumers use them from their
 * Works at once.
 *
 * @param description the MDB and its queues, for the log
 * @param acceptedTypes the media types the MDB accepts ({@code accept}, or every known one)
 * @param attempts the deliveries counted of each message, shared so that a replacement consumer counts on
 * @param streamPositions where a replacement consumer reads a stream on from
 * @param deadLetters the connection dead letters and retry copies go over
 * @param tripSignature signs retry copies and tells them from forgeries (its key is never shown)
 * @param workManager the container's, for the consumers' Works
 * @param budget the bytes of bodies the consumers may hold, and the windows that keep them within it
 * @param tracing the adapter's, which traces deliveries with the OpenTelemetry the MDB's application registered
 */
record DeliveryContext(String description, InboundSettings settings, SettlementPolicy policy, Serializers serializers,
                       Set<String> acceptedTypes, DeliveryAttempts attempts, StreamPositions streamPositions,
                       DeadLetters deadLetters, Redeliveries redeliveries, TripSignature tripSignature,
                       ActivationMetrics metrics, WorkManager workManager, BodyBudget budget, Tracing tracing) {

    /**
     * Makes the shared parts of a new activation; dead letters go over a connection of their own, opened when needed.
     *
     * @param connection the broker account the activation consumes with: the retry trips' key is derived from it
     */
    static DeliveryContext of(String description, InboundSettings settings, Serializers serializers,
                              ConnectionSettings connection, BrokerConnector connector, ActivationMetrics metrics,
                              WorkManager workManager, Tracing tracing) {
        TripSignature signature = TripSignature.forAccount(connection);
        return new DeliveryContext(description, settings, SettlementPolicy.of(settings), serializers,
                acceptedTypes(settings, serializers), new DeliveryAttempts(quorumQueues(settings), signature),
                new StreamPositions(),
                new DeadLetters(settings.deadLetterExchange(), settings.deadLetterRoutingKey(), connector,
                        "dead letters: " + description),
                new Redeliveries(settings, signature), signature, metrics, workManager, new BodyBudget(settings, metrics), tracing);
    }

    private static Set<String> quorumQueues(InboundSettings settings) {
        return settings.queues().stream().filter(queue -> queue.type() == QueueType.QUORUM).map(Queue::name)
                .collect(Collectors.toSet());
    }

    private static Set<String> acceptedTypes(InboundSettings settings, Serializers serializers) {
        if (settings.accept().isEmpty()) {
            return serializers.defaultAccepted();
        }
        Set<String> types = new LinkedHashSet<>();
        for (String accepted : settings.accept()) {
            types.add(accepted.contains("/") ? Serializers.mediaType(accepted)
                    : serializers.get(accepted).contentType());
        }
        return Set.copyOf(types);
    }
}
