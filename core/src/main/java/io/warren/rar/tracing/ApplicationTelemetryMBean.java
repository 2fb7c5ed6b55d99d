package io.warren.rar.tracing;

/**
 * How an application hands Warren the {@code OpenTelemetry} its server gave it (WildFly and Payara
 * give each application its own, through CDI, and register none globally): {@code warren-cdi} calls
 * {@link #register} when the application starts and {@link #unregister} when it stops, over JMX,
 * since it shares no classes with the adapter. Registered as {@code io.warren:type=Telemetry}.
 */
public interface ApplicationTelemetryMBean {

    /**
     * @param openTelemetry the application's {@code io.opentelemetry.api.OpenTelemetry}
     * @param application the application's class loader: publishes made with it as the thread's
     *     context class loader, and deliveries to MDBs it (or a child of it) loaded, record their spans
     *     with {@code openTelemetry}
     * @return empty when Warren records the application's spans with it, else why not
     */
    String register(Object openTelemetry, ClassLoader application);

    /** @param application a class loader given to {@link #register}; its OpenTelemetry is no longer used */
    void unregister(ClassLoader application);

    /** @return how many applications registered their OpenTelemetry */
    int getApplications();

    /** @return false where the system property {@code warren.tracing.spans} is {@code false}: context propagates, Warren records no span */
    boolean isSpansRecorded();
}
