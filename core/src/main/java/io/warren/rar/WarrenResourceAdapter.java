package io.warren.rar;

import io.warren.rar.config.AddressRotation;
import io.warren.rar.config.BrokerProperties;
import io.warren.rar.inbound.Activations;
import io.warren.rar.inbound.WarrenActivationSpec;
import io.warren.rar.metrics.MBeans;
import io.warren.rar.outbound.WarrenManagedConnectionFactory;
import io.warren.rar.outbound.Completions;
import io.warren.rar.serialization.SerializerCache;
import io.warren.rar.serialization.Serializers;
import io.warren.rar.tracing.Tracing;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.transaction.TransactionSynchronizationRegistry;

import javax.management.ObjectName;
import javax.transaction.xa.XAResource;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
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
    private transient TransactionSynchronizationRegistry transactionRegistry;
    private transient SerializerCache serializers;
    private transient Completions completions;
    /** By identity: factories with the same properties are equal, but each has its own broker connection. */
    private final transient Set<WarrenManagedConnectionFactory> factories =
            Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private final transient Activations activations = new Activations();
    private transient AddressRotation addressRotation;
    /** io.warren:type=Telemetry, where applications hand Warren their OpenTelemetry (docs/tracing.md) */
    private transient ObjectName telemetryMBean;
    /** This adapter's own, not the class loader's: the RAR may be deployed twice in one server. */
    private final transient Tracing tracing = Tracing.create();

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        List<String> problems = connectionSettings().problems();
        if (!problems.isEmpty()) {
            throw new ResourceAdapterInternalException("Invalid Warren resource adapter properties: "
                    + String.join("; ", problems));
        }
        this.bootstrapContext = context;
        this.transactionRegistry = transactionRegistry(context);
        this.telemetryMBean = MBeans.register(List.of(new String[] {"type", "Telemetry"},
                new String[] {"name", connectionSettings().connectionName()}), tracing.applications());
        LOG.info(() -> "Warren " + version() + " started; broker defaults " + brokerPropertiesText()
                + "; a transacted MDB's delivery is settled " + (transactionRegistry != null
                ? "after its transaction completes (a Synchronization)"
                : "by its transaction as an XA resource (the container offers no TransactionSynchronizationRegistry)"));
    }

    /** @return the container's registry (JCA 1.6), or null when it has none: deliveries then settle through an XAResource */
    private static TransactionSynchronizationRegistry transactionRegistry(BootstrapContext context) {
        try {
            return context.getTransactionSynchronizationRegistry();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "The container's bootstrap context offers no transaction registry", e);
            return null;
        }
    }

    /** The version in the manifest of the RAR's warren.jar; none when the classes do not come from a jar (tests). */
    private static String version() {
        String version = WarrenResourceAdapter.class.getPackage().getImplementationVersion();
        return version == null ? "(unversioned build)" : version;
    }

    /** @return how this adapter traces publishes and deliveries, with the OpenTelemetry its applications registered */
    public Tracing tracing() {
        return tracing;
    }

    /** @return the round-robin position shared by this adapter's activations and connection factories */
    public synchronized AddressRotation addressRotation() {
        if (addressRotation == null) {
            addressRotation = new AddressRotation();
        }
        return addressRotation;
    }

    @Override
    public void stop() {
        activations.deactivateAll();
        List<WarrenManagedConnectionFactory> registered;
        synchronized (factories) {
            registered = List.copyOf(factories);
            factories.clear();
        }
        registered.forEach(WarrenManagedConnectionFactory::close);
        // after the connections closed, so that the futures they failed are completed first
        synchronized (this) {
            if (completions != null) {
                completions.close();
                completions = null;
            }
        }
        MBeans.unregister(telemetryMBean);
        telemetryMBean = null;
        bootstrapContext = null;
        transactionRegistry = null;
        LOG.info("Warren stopped");
    }

    /** Remembers a connection factory with a broker connection, to close it when the adapter stops. */
    public void register(WarrenManagedConnectionFactory factory) {
        factories.add(factory);
    }

    /** Forgets a connection factory that closed its broker connection. */
    public void unregister(WarrenManagedConnectionFactory factory) {
        factories.remove(factory);
    }

    /** @return how many connection factories hold a broker connection now */
    public int registeredFactories() {
        return factories.size();
    }

    /**
     * @return the threads on which applications' confirm futures complete; made anew if used
     *     while stopped, so that a factory outliving a restart of the adapter still completes them
     */
    public synchronized Completions completions() {
        if (completions == null) {
            completions = new Completions("warren-completions " + connectionSettings().connectionName());
        }
        return completions;
    }

    /** @return the running inbound activations */
    public Activations activations() {
        return activations;
    }

    /** @return the container's bootstrap context while started */
    public BootstrapContext bootstrapContext() {
        return bootstrapContext;
    }

    /**
     * @return the container's transaction synchronization registry while started, or null when the
     *     container offers none (a container-free harness)
     */
    public TransactionSynchronizationRegistry transactionRegistry() {
        return transactionRegistry;
    }

    /**
     * @return the serializers of the calling thread's application (its context class loader):
     *     built in, and those its class path or the adapter's registers
     */
    public synchronized Serializers serializers() {
        if (serializers == null) {
            serializers = new SerializerCache(getClass().getClassLoader());
        }
        return serializers.forLoader(Thread.currentThread().getContextClassLoader());
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
