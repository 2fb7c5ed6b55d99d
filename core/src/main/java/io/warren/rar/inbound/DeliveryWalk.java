package io.warren.rar.inbound;

import com.rabbitmq.client.Channel;
import io.warren.rar.config.UnreadableContent;
import io.warren.rar.messages.ReceivedMessage;
import io.warren.rar.serialization.Serializers;
import io.warren.rar.tracing.Tracing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A consumer's deliveries, each walked the same straight way: the {@link SettlementPolicy} admits
 * it (or it is dead-lettered at once), the {@link ConsumerEndpoint} runs it through the MDB, its
 * {@link InFlight} says how it ended, and the {@link Settler} carries out what the policy makes of
 * that. Several deliveries taken together ({@code batchSize}) go to the MDB as one batch, but for
 * those that failed before, which go alone; a batch that failed is walked again one message at a
 * time, so that only a message's own failure decides its fate.
 *
 * <p>Threading: on the consumer's Work, one walk at a time.
 */
final class DeliveryWalk {

    private static final Logger LOG = Logger.getLogger(DeliveryWalk.class.getName());

    private final DeliveryContext context;
    private final Settler settler;
    private final ConsumerEndpoint endpoint;
    private final ConsumerHost host;
    private final Channel channel;

    /** @param channel the consumer's: a batch's messages are walked again alone only while it is open */
    DeliveryWalk(DeliveryContext context, Settler settler, ConsumerEndpoint endpoint, ConsumerHost host,
                 Channel channel) {
        this.context = context;
        this.settler = settler;
        this.endpoint = endpoint;
        this.host = host;
        this.channel = channel;
    }

    /** @param deliveries one, or a batch's taken from one channel */
    void deliver(List<Delivery> deliveries) {
        if (deliveries.size() == 1) {
            ListenerSettlement listener = context.policy().manual() ? new ListenerSettlement(settler) : null;
            ReceivedMessage message = received(deliveries.get(0), listener);
            guarded(message, () -> alone(message, listener, context.attempts().attempt(message)));
            return;
        }
        List<ReceivedMessage> batch = new ArrayList<>(deliveries.size());
        for (Delivery delivery : deliveries) {
            ReceivedMessage message = received(delivery, null);
            guarded(message, () -> {
                int attempt = context.attempts().attempt(message);
                if (attempt > 1) {
                    alone(message, null, attempt); // it failed before: it goes alone, not to drag a batch down again
                    return;
                }
                SettlementPolicy.Action admission = admission(message, attempt);
                if (admission instanceof SettlementPolicy.Action.Deliver) {
                    batch.add(message);
                } else {
                    holdBackIf(settler.carryOut(message, admission));
                }
            });
        }
        if (batch.size() == 1) {
            ReceivedMessage message = batch.get(0);
            guarded(message, () -> run(new InFlight(message, 1, null, settler)));
        } else if (!batch.isEmpty()) {
            batch(batch);
        }
    }

    private void batch(List<ReceivedMessage> batch) {
        InFlight inFlight = InFlight.batch(batch, settler);
        run(inFlight);
        if (!inFlight.singledOut()) {
            return;
        }
        int attempt = context.policy().aloneAfterBatch(1);
        LOG.log(Level.FINE, "A batch of {0} messages for {1} failed; each is delivered again alone",
                new Object[] {batch.size(), context.description()});
        for (ReceivedMessage message : batch) {
            if (!channel.isOpen()) {
                return; // the broker has requeued the rest with the channel: they come again, redelivered
            }
            guarded(message, () -> run(new InFlight(message, attempt, null, settler)));
        }
    }

    /** One message alone, start to end: admitted by the policy, run through the MDB, settled as the policy decides. */
    private void alone(ReceivedMessage message, ListenerSettlement listener, int attempt) {
        SettlementPolicy.Action admission = admission(message, attempt);
        if (admission instanceof SettlementPolicy.Action.Deliver) {
            run(new InFlight(message, attempt, listener, settler));
        } else {
            holdBackIf(settler.carryOut(message, admission));
        }
    }

    private SettlementPolicy.Action admission(ReceivedMessage message, int attempt) {
        return context.policy().admit(unreadable(message), Serializers.mediaTypeOf(message.contentType()),
                context.acceptedTypes(), attempt);
    }

    private void run(InFlight inFlight) {
        try (Tracing.Span span = context.tracing().process(inFlight.message(), endpoint.applicationLoader())) {
            endpoint.deliver(inFlight);
        } catch (RuntimeException | Error unexpected) {
            // a bug of ours, or the container's: log it, give the messages back, keep consuming
            LOG.log(Level.SEVERE, "Unexpected failure delivering " + (inFlight.isBatch() ? "a batch" : "a message")
                    + " from queue '" + inFlight.message().queue() + "' for " + context.description()
                    + "; it goes back to the queue", unexpected);
            inFlight.unexpected();
        }
        holdBackIf(inFlight.holdsBack());
    }

    /** Runs a step of a message's walk; a failure of ours outside its delivery gives it back. */
    private void guarded(ReceivedMessage message, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException | Error unexpected) {
            LOG.log(Level.SEVERE, "Unexpected failure delivering a message from queue '" + message.queue()
                    + "' for " + context.description() + "; it goes back to the queue", unexpected);
            settler.settle(message, 0, new SettlementPolicy.Ending.Unexpected(), null);
        }
    }

    private void holdBackIf(boolean holdBack) {
        if (holdBack) {
            // the container turns deliveries away for a while (it is stopping or not yet ready), or the
            // dead-letter target takes nothing: don't spin through the prefetched messages
            host.holdBack();
        }
    }

    /** @param listener where the MDB's own settlement goes in manual ack mode; null: it is refused */
    private ReceivedMessage received(Delivery delivery, ListenerSettlement listener) {
        // a copy back from its retry queue reports the exchange and routing key it was published with
        return new ReceivedMessage(delivery.queue(),
                RetryTrip.original(context.tripSignature(), delivery.queue(), delivery.envelope(),
                        delivery.properties().getHeaders(), delivery.body()),
                delivery.properties(), delivery.body(),
                context.serializers(), context.acceptedTypes(),
                listener != null ? listener : ListenerSettlement.BY_CONTAINER);
    }

    /** @return why Warren's frame layer could not read the message, or null when it could */
    private static String unreadable(ReceivedMessage message) {
        Object reason = message.header(UnreadableContent.HEADER);
        return reason == null ? null : reason.toString();
    }
}
