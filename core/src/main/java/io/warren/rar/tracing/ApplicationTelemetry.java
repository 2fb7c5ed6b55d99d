package io.warren.rar.tracing;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The applications' {@code OpenTelemetry} instances, by class loader (see {@link ApplicationTelemetryMBean}).
 * Values are kept as {@code Object} so that this class links no OpenTelemetry class: it exists where
 * the adapter cannot see the API too, and then refuses every registration. Registrations are rare
 * (application start and stop) and look-ups happen per message: the map is replaced, never changed.
 */
public final class ApplicationTelemetry implements ApplicationTelemetryMBean {

    private final Predicate<Object> usable;
    private final String unusable;
    private final boolean spans;
    private volatile Map<ClassLoader, Object> registered = Map.of();

    /**
     * @param usable whether an object is an {@code OpenTelemetry} of the API the adapter links
     * @param unusable why one that is not cannot be used
     * @param spans whether Warren records spans at all
     */
    ApplicationTelemetry(Predicate<Object> usable, String unusable, boolean spans) {
        this.usable = usable;
        this.unusable = unusable;
        this.spans = spans;
    }

    @Override
    public synchronized String register(Object openTelemetry, ClassLoader application) {
        if (openTelemetry == null || application == null) {
            return "no OpenTelemetry or no class loader given";
        }
        if (!usable.test(openTelemetry)) {
            return unusable + " (" + openTelemetry.getClass().getName() + ")";
        }
        Map<ClassLoader, Object> next = new HashMap<>(registered);
        next.put(application, openTelemetry);
        registered = Map.copyOf(next);
        return spans ? "" : "Warren's spans are off (system property " + Tracing.SPANS_PROPERTY + "=false)";
    }

    @Override
    public synchronized void unregister(ClassLoader application) {
        if (application != null && registered.containsKey(application)) {
            Map<ClassLoader, Object> next = new HashMap<>(registered);
            next.remove(application);
            registered = Map.copyOf(next);
        }
    }

    @Override
    public int getApplications() {
        return registered.size();
    }

    @Override
    public boolean isSpansRecorded() {
        return spans;
    }

    /**
     * @param loader the publishing thread's context class loader, or the MDB class's loader
     * @return the OpenTelemetry registered for it or the nearest of its parents (an EAR's library
     *     loader, in servers whose module loaders are children of it), or null
     */
    Object find(ClassLoader loader) {
        Map<ClassLoader, Object> now = registered;
        if (now.isEmpty()) {
            return null;
        }
        for (ClassLoader at = loader; at != null; at = at.getParent()) {
            Object found = now.get(at);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
