package io.warren.it;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;

/**
 * The server these tests run in (the {@code it.server} system property each server module sets),
 * and how each one names and binds the adapter, which is where the servers differ.
 */
enum Server {
    /** WildFly 37 (src-it/wildfly) and 39 (src-it/wildfly39), which name, bind and serve the adapter alike. */
    WILDFLY,
    PAYARA,
    /** Payara Micro: warren.rar deployed at boot, the application as a WAR; named and bound as in Payara Server. */
    PAYARA_MICRO,
    /** GlassFish 8, from which Payara derives: named and bound as in Payara Server. */
    GLASSFISH;

    static Server current() {
        return valueOf(System.getProperty("it.server", "wildfly").toUpperCase().replace('-', '_'));
    }

    /**
     * @param application the EAR's name without extension, or null for a standalone warren.rar
     * @return the name an MDB is bound to the adapter with
     */
    String mdbBinding(String application) {
        return switch (this) {
            case WILDFLY -> application == null ? "warren.rar" : application + ".ear#warren.rar";
            case PAYARA, PAYARA_MICRO, GLASSFISH -> application == null ? "warren" : application + "#warren";
        };
    }

    /**
     * @return where the server answers MicroProfile Health's readiness: WildFly's management port, the HTTP
     *     port of Payara and GlassFish
     */
    URI readiness(URL base) throws URISyntaxException {
        return this == WILDFLY ? new URI("http://127.0.0.1:9990/health/ready") : base.toURI().resolve("/health/ready");
    }

    /** @return whether the server serves MicroProfile Metrics at /metrics: the Payaras; not WildFly, not GlassFish 8 */
    boolean servesMicroProfileMetrics() {
        return this == PAYARA || this == PAYARA_MICRO;
    }

    /** @return the resource adapter name a {@code <connection-factory>} definition uses */
    String connectionFactoryAdapter(String application) {
        return application == null ? "warren" : "#warren";
    }
}
