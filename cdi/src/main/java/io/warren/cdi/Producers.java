package io.warren.cdi;

import io.warren.ConnectionFactory;
import io.warren.Producer;
import io.warren.ProducerSettings;
import io.warren.RetryPolicy;
import io.warren.WarrenException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.InjectionPoint;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Makes the {@link Producer}s that {@link PublishTo} injection points ask for. */
@ApplicationScoped
public class Producers {

    /** Where the connection factory is looked up when an injection point names none, in order. */
    public static final List<String> DEFAULT_CONNECTION_FACTORIES = List.of(
            "java:app/warren/ConnectionFactory",
            "java:global/warren/ConnectionFactory",
            "java:/warren/ConnectionFactory",
            "warren/ConnectionFactory");

    @Produces
    @Dependent
    @PublishTo
    Producer producer(InjectionPoint injectionPoint) {
        PublishTo options = injectionPoint.getQualifiers().stream()
                .filter(PublishTo.class::isInstance).map(PublishTo.class::cast).findFirst()
                .orElseThrow(() -> new IllegalStateException("no @PublishTo on " + injectionPoint));
        ProducerSettings.Builder settings = Producer.to(options.exchange()).routingKey(options.routingKey())
                .serializer(options.serializer()).mandatory(options.mandatory())
                .compression(options.compression().isEmpty() ? null : options.compression());
        if (options.retry()) {
            settings.retry(RetryPolicy.DEFAULT);
        }
        if (options.confirmTimeoutMillis() > 0) {
            settings.confirms(Duration.ofMillis(options.confirmTimeoutMillis()));
        }
        return connectionFactory(options.connectionFactory(), injectionPoint).producer(settings.build());
    }

    private static ConnectionFactory connectionFactory(String name, InjectionPoint injectionPoint) {
        List<String> names = name.isEmpty() ? DEFAULT_CONNECTION_FACTORIES : List.of(name);
        List<String> failures = new ArrayList<>();
        try {
            InitialContext context = new InitialContext();
            for (String candidate : names) {
                try {
                    Object found = context.lookup(candidate);
                    if (found instanceof ConnectionFactory factory) {
                        return factory;
                    }
                    failures.add(candidate + " is a " + found.getClass().getName());
                } catch (NamingException e) {
                    failures.add(candidate + " is not bound");
                }
            }
        } catch (NamingException e) {
            throw new WarrenException("No JNDI context to look up Warren's connection factory for " + injectionPoint, e);
        }
        throw new WarrenException("No Warren connection factory for " + injectionPoint.getMember() + ": "
                + String.join(", ", failures) + ". Define one (see the README) or name it with "
                + "@PublishTo(connectionFactory = ...)");
    }
}
