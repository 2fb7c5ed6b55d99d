package io.warren.rar;

import io.warren.rar.config.BrokerProperties;
import io.warren.rar.inbound.Activations;
import io.warren.rar.inbound.WarrenActivationSpec;
import io.warren.rar.outbound.WarrenManagedConnectionFactory;
import io.warren.rar.serialization.Serializers;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import javax.transaction.xa.XAResource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * Warren's resource adapter. Its broker properties are the defaults for every connection factory
 * and activation spec; it owns the serializers and, while started, the inbound activations.
 */
@Connector(
        displayName = "Warren",
        description = "Jakarta EE resource adapter for RabbitMQ",
        vendorName = "Warren",
        eisType = "RabbitMQ (AMQP 0-9-1)",
        version = "0.1",
        transactionSupport = TransactionSupport.TransactionSupportLevel.LocalTransaction,
        reauthenticationSupport = false)
public class WarrenResourceAdapter extends BrokerProperties implements jakarta.resource.spi.ResourceAdapter {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(WarrenResourceAdapter.class.getName());

    private transient BootstrapContext bootstrapContext;
    private transient Serializers serializers;
    private final transient List<WarrenManagedConnectionFactory> factories = new CopyOnWriteArrayList<>();
    private final transient Activations activations = new Activations();

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        List<String> problems = connectionSettings().problems();
        if (!problems.isEmpty()) {
            throw new ResourceAdapterInternalException("Invalid Warren resource adapter properties: "
                    + String.join("; ", problems));
        }
        this.bootstrapContext = context;
        LOG.info(() -> "Warren started; broker defaults " + brokerPropertiesText());
    }

    @Override
    public void stop() {
        activations.deactivateAll();
        factories.forEach(WarrenManagedConnectionFactory::close);
        factories.clear();
        bootstrapContext = null;
        LOG.info("Warren stopped");
    }

    /** Remembers a connection factory, to close its broker connections when the adapter stops. */
    public void register(WarrenManagedConnectionFactory factory) {
        factories.add(factory);
    }

    /** @return the running inbound activations */
    public Activations activations() {
        return activations;
    }

    /** @return the container's bootstrap context while started */
    public BootstrapContext bootstrapContext() {
        return bootstrapContext;
    }

    /** @return the serializers: built in, and those on the adapter's or the deploying thread's class path */
    public synchronized Serializers serializers() {
        if (serializers == null) {
            serializers = Serializers.load(getClass().getClassLoader(), Thread.currentThread().getContextClassLoader());
        }
        return serializers;
    }

    @Override
    public void endpointActivation(MessageEndpointFactory endpointFactory, ActivationSpec spec) throws ResourceException {
        if (!(spec instanceof WarrenActivationSpec warrenSpec)) {
            throw new NotSupportedException("Warren activates only its own activation spec, not " + spec);
        }
        if (bootstrapContext == null) {
            throw new IllegalStateException("Warren's resource adapter is not started");
        }
        activations.activate(endpointFactory, warrenSpec, this, bootstrapContext.getWorkManager());
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory endpointFactory, ActivationSpec spec) {
        activations.deactivate(endpointFactory, spec);
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WarrenResourceAdapter that && sameBrokerProperties(that);
    }

    @Override
    public int hashCode() {
        return brokerPropertiesHash();
    }

    @Override
    public String toString() {
        return "WarrenResourceAdapter" + brokerPropertiesText();
    }
}
