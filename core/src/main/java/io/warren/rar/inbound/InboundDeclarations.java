package io.warren.rar.inbound;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.DeclarationException;
import io.warren.Queue;
import io.warren.rar.declarations.Declarer;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What an activation needs on the broker before it consumes, made or checked at each connect and
 * whenever a consumer was cancelled (its queue may be gone). A refusal is a
 * {@link DeclarationException} naming the queue, exchange or property.
 */
final class InboundDeclarations {

    private static final Logger LOG = Logger.getLogger(InboundDeclarations.class.getName());

    private final InboundSettings settings;
    private final Redeliveries redeliveries;
    private final String virtualHost;

    InboundDeclarations(InboundSettings settings, Redeliveries redeliveries, String virtualHost) {
        this.settings = settings;
        this.redeliveries = redeliveries;
        this.virtualHost = virtualHost;
    }

    /**
     * Declares (or, with declare=false, checks) the queues and binds the exchange to its sources
     * (exchangeBindings), declares the retry queues (Warren's own, so declared either way), and
     * checks the dead-letter exchange exists.
     */
    void declare(Connection opened) throws IOException {
        try (Channel channel = opened.createChannel()) {
            Declarer declarer = new Declarer(channel);
            for (Queue queue : settings.queues()) {
                if (settings.declare()) {
                    declarer.declare(queue);
                } else {
                    declarer.checkExists(queue.name());
                }
            }
            if (settings.declare()) {
                // the sources are named only, so they are not declared: a missing one is a refusal naming it
                for (InboundSettings.ExchangeBinding binding : settings.exchangeBindings()) {
                    declarer.bind(binding.destination(), binding.source(), binding.routingKey(), Map.of());
                }
            }
            for (Queue retry : redeliveries.declarations()) {
                declarer.declare(retry);
            }
        } catch (TimeoutException e) {
            throw new IOException(e);
        } catch (ShutdownSignalException e) {
            // the declarer has explained the refusal; closing the refused channel fails harmlessly
            LOG.log(Level.FINE, "Declaration channel already closed", e);
        }
        if (settings.deadLetterExchange() != null) {
            checkDeadLetterExchange(opened);
        }
    }

    /** A dead letter sent to an exchange that does not exist would close its channel and stay undelivered. */
    private void checkDeadLetterExchange(Connection opened) throws IOException {
        String name = settings.deadLetterExchange();
        try (Channel channel = opened.createChannel()) {
            channel.exchangeDeclarePassive(name);
        } catch (TimeoutException e) {
            throw new IOException(e);
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException signal && !signal.isHardError()) {
                throw new DeclarationException("deadLetterExchange: the broker has no exchange '" + name
                        + "' on virtual host '" + virtualHost + "' (" + signal.getMessage()
                        + "). Declare it and bind a queue to it, or leave deadLetterExchange unset to park dead "
                        + "letters in the queue '<queue>.dead-letters'.", "exchange '" + name + "'", null, e);
            }
            throw e;
        } catch (ShutdownSignalException e) {
            LOG.log(Level.FINE, "Exchange check channel already closed", e);
        }
    }
}
