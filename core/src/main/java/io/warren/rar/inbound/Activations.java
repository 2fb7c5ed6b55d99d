package io.warren.rar.inbound;

import io.warren.BatchListener;
import io.warren.WarrenException;
import io.warren.rar.WarrenResourceAdapter;
import io.warren.rar.config.AdapterThreads;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkManager;

import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.ConcurrentHashMap;

/** The resource adapter's running activations, keyed as JCA keys them: endpoint factory and spec. */
public final class Activations {

    private record Key(MessageEndpointFactory factory, ActivationSpec spec) {
    }

    private final Map<Key, Activation> running = new ConcurrentHashMap<>();
    /** The container's timer for retries that must wait (a refused Work asked for again), made when first needed. */
    private Timer timer;

    /** Validates the spec, then starts consuming for the endpoint. */
    public void activate(MessageEndpointFactory factory, WarrenActivationSpec spec, WarrenResourceAdapter adapter,
                         WorkManager workManager) throws ResourceException {
        if (spec.getResourceAdapter() == null) {
            spec.setResourceAdapter(adapter);
        }
        spec.validate();
        Activation activation;
        try {
            InboundSettings settings = spec.inboundSettings();
            checkTakesBatches(factory, settings);
            activation = new Activation(factory, workManager, (delay, task) -> later(adapter, delay, task),
                    settings, spec.connectionSettings(adapter), adapter.addressRotation(),
                    adapter.serializers().withMaxDecompressedBytes(settings.maxDecompressedBytes()),
                    adapter.transactionRegistry(), adapter.tracing());
        } catch (WarrenException e) {
            throw new InvalidPropertyException("Invalid Warren activation config: accept: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("Invalid Warren activation config: " + e.getMessage());
        }
        activation.start();
        running.put(new Key(factory, spec), activation);
    }

    /** Batches go to an MDB that implements {@link BatchListener}; others would be given single messages only. */
    private static void checkTakesBatches(MessageEndpointFactory factory, InboundSettings settings)
            throws InvalidPropertyException {
        Class<?> bean = Endpoints.beanClass(factory);
        if (settings.batchSize() > 1 && bean != null && !BatchListener.class.isAssignableFrom(bean)) {
            throw new InvalidPropertyException("Invalid Warren activation config: batchSize: " + settings.batchSize()
                    + " needs an MDB that implements " + BatchListener.class.getName() + "; " + bean.getName()
                    + " does not (implement BatchListener, or leave batchSize at 1)");
        }
    }

    /** Stops the endpoint's consumers, letting deliveries under way finish. */
    public void deactivate(MessageEndpointFactory factory, ActivationSpec spec) {
        Activation activation = running.remove(new Key(factory, spec));
        if (activation != null) {
            activation.stop();
        }
    }

    /** Stops every activation, as the adapter stops. */
    public void deactivateAll() {
        List<Key> keys = List.copyOf(running.keySet());
        keys.forEach(key -> deactivate(key.factory(), key.spec()));
        synchronized (this) {
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
        }
    }

    private void later(WarrenResourceAdapter adapter, long delayMillis, Runnable task) {
        TimerTask timerTask = new TimerTask() {
            @Override
            public void run() {
                task.run();
            }
        };
        synchronized (this) {
            if (timer == null) {
                timer = containerTimer(adapter);
            }
            try {
                timer.schedule(timerTask, delayMillis);
                return;
            } catch (IllegalStateException cancelled) {
                // the adapter is stopping: the task runs now, and finds its activation stopped
            }
        }
        task.run();
    }

    /**
     * Made on whichever thread first needs a wait, maybe an application's deploying its MDB; the
     * timer's thread lives as long as the adapter, so it must not take the application's loader.
     */
    private static Timer containerTimer(WarrenResourceAdapter adapter) {
        return AdapterThreads.asAdapter(() -> timerOf(adapter));
    }

    private static Timer timerOf(WarrenResourceAdapter adapter) {
        try {
            if (adapter.bootstrapContext() != null) {
                return adapter.bootstrapContext().createTimer();
            }
        } catch (jakarta.resource.spi.UnavailableException e) {
            // below: a timer of our own, as the container has none to give
        }
        return new Timer("warren-retries", true);
    }

    /** @return consumers running for the endpoint now, for tests and diagnostics */
    public int consumerCount(MessageEndpointFactory factory, ActivationSpec spec) {
        Activation activation = running.get(new Key(factory, spec));
        return activation == null ? 0 : activation.consumerCount();
    }
}
