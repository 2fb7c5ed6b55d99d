package io.warren.rar.harness;

import io.warren.container.TestTransactions;
import io.warren.container.PoolingConnectionManager;
import io.warren.container.TestBootstrapContext;
import io.warren.container.TestWorkManager;
import io.warren.ConnectionFactory;
import io.warren.rar.WarrenResourceAdapter;
import io.warren.rar.inbound.WarrenActivationSpec;
import jakarta.resource.ResourceException;
import io.warren.rar.outbound.WarrenManagedConnectionFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The adapter deployed in a container-free harness: a started resource adapter, one connection
 * factory behind a pool, the bootstrap context and work manager. Each harness names its broker
 * connections uniquely, so that tests can count its channels on the broker.
 */
public final class Harness implements AutoCloseable {

    private final WarrenResourceAdapter adapter = new WarrenResourceAdapter();
    private final WarrenManagedConnectionFactory managedFactory = new WarrenManagedConnectionFactory();
    private final TestWorkManager workManager = new TestWorkManager();
    private final TestTransactions transactions = new TestTransactions();
    private final PoolingConnectionManager pool;
    private final ConnectionFactory factory;
    private final String connectionName = "warren-test-" + UUID.randomUUID().toString().substring(0, 8);

    public Harness(int poolSize) {
        this(poolSize, managed -> { });
    }

    public Harness(int poolSize, Consumer<WarrenManagedConnectionFactory> configure) {
        this(poolSize, configure, true);
    }

    /**
     * A harness whose bootstrap context offers no transaction synchronization registry, as a
     * container before JCA 1.6 or the warren-test kit: transacted deliveries go through the
     * adapter's XAResource.
     */
    public static Harness withoutTransactionRegistry(int poolSize) {
        return new Harness(poolSize, managed -> { }, false);
    }

    private Harness(int poolSize, Consumer<WarrenManagedConnectionFactory> configure, boolean registry) {
        try {
            adapter.setHost("127.0.0.1");
            adapter.setConnectionName(connectionName);
            adapter.start(new TestBootstrapContext(workManager, registry ? transactions : null));
            managedFactory.setResourceAdapter(adapter);
            configure.accept(managedFactory);
            pool = new PoolingConnectionManager(poolSize, Duration.ofSeconds(30));
            factory = (ConnectionFactory) managedFactory.createConnectionFactory(pool);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the harness", e);
        }
    }

    public ConnectionFactory factory() {
        return factory;
    }

    public PoolingConnectionManager pool() {
        return pool;
    }

    public WarrenResourceAdapter adapter() {
        return adapter;
    }

    /** @return the transactions transacted deliveries run in, whose registry the adapter was started with */
    public TestTransactions transactions() {
        return transactions;
    }

    public TestWorkManager workManager() {
        return workManager;
    }

    /** @return the prefix of the names of this harness's broker connections */
    public String connectionName() {
        return connectionName;
    }

    /** @return an activation of that queue with one consumer, for a test to set more on */
    public static WarrenActivationSpec oneConsumer(String queue) {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        spec.setQueue(queue);
        spec.setConcurrency("1");
        return spec;
    }

    /** Deploys an MDB: activates the endpoint with the spec, as the EJB container does. */
    public Deployment deploy(WarrenActivationSpec spec, TestEndpointFactory mdb) throws ResourceException {
        spec.setResourceAdapter(adapter);
        mdb.useTransactions(transactions);
        adapter.endpointActivation(mdb, spec);
        return new Deployment(spec, mdb);
    }

    /** A deployed MDB; closing it undeploys it. */
    public final class Deployment implements AutoCloseable {
        private final WarrenActivationSpec spec;
        private final TestEndpointFactory mdb;
        private boolean undeployed;

        private Deployment(WarrenActivationSpec spec, TestEndpointFactory mdb) {
            this.spec = spec;
            this.mdb = mdb;
        }

        public int consumers() {
            return adapter.activations().consumerCount(mdb, spec);
        }

        @Override
        public void close() {
            if (!undeployed) {
                undeployed = true;
                adapter.endpointDeactivation(mdb, spec);
            }
        }
    }

    /** Runs the work in a transaction that commits, as a container-managed EJB method does. */
    public void inTransaction(Runnable work) {
        transaction(false, work);
    }

    /** Runs the work in a transaction marked rollback-only. */
    public void inRolledBackTransaction(Runnable work) {
        transaction(true, work);
    }

    private void transaction(boolean rollbackOnly, Runnable work) {
        // a server's registry tells of an EJB's transaction too: the adapter may ask it rather than the pool
        TestTransactions.TestTransaction told = transactions.current() == null ? transactions.begin() : null;
        try {
            pool.inTransaction(rollbackOnly, work);
        } catch (jakarta.resource.ResourceException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            if (told != null) {
                transactions.abandon(told); // the pool's local transaction has committed or rolled back
            }
        }
    }

    @Override
    public void close() {
        pool.shutdown();
        adapter.stop();
        workManager.shutdown();
    }
}
