package io.warren.container;

import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.XATerminator;
import jakarta.resource.spi.work.WorkContext;
import jakarta.resource.spi.work.WorkManager;
import jakarta.transaction.TransactionSynchronizationRegistry;

import java.util.Timer;

/**
 * A bootstrap context that hands out the harness's work manager and, as every Jakarta EE server
 * does, its transaction synchronization registry (or none, as the warren-test kit).
 */
public final class TestBootstrapContext implements BootstrapContext {

    private final WorkManager workManager;
    private final TransactionSynchronizationRegistry registry;

    public TestBootstrapContext(WorkManager workManager, TransactionSynchronizationRegistry registry) {
        this.workManager = workManager;
        this.registry = registry;
    }

    @Override
    public WorkManager getWorkManager() {
        return workManager;
    }

    @Override
    public XATerminator getXATerminator() {
        return null;
    }

    @Override
    public Timer createTimer() {
        return new Timer(true);
    }

    @Override
    public boolean isContextSupported(Class<? extends WorkContext> type) {
        return false;
    }

    @Override
    public TransactionSynchronizationRegistry getTransactionSynchronizationRegistry() {
        return registry;
    }
}
