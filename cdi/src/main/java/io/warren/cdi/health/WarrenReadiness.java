package io.warren.cdi.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.util.List;

/**
 * Warren's readiness: DOWN, with the reasons in its data, while an MDB of this application has
 * fewer consumers than configured, or a Warren connection factory cannot reach the broker; UP
 * otherwise. It reads the adapter's state from its MBeans ({@link WarrenStatus}). A bean only where
 * MicroProfile Health is present: {@link io.warren.cdi.OptionalBeans} adds it.
 */
@Readiness
public class WarrenReadiness implements HealthCheck {

    static final String NAME = "warren";

    @Override
    public HealthCheckResponse call() {
        WarrenStatus status = new WarrenStatus(applicationLoaders());
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        List<WarrenStatus.Item> items = status.items();
        for (WarrenStatus.Item item : items) {
            response.withData(item.name(), item.state());
        }
        return response.status(items.stream().allMatch(WarrenStatus.Item::up)).build();
    }

    /** The thread's (a request of the application) and this jar's: an MDB of the application loads through one. */
    private static List<ClassLoader> applicationLoaders() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader own = WarrenReadiness.class.getClassLoader();
        return context == null || context == own ? List.of(own) : List.of(context, own);
    }
}
