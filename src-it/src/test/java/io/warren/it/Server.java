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
    GLASSFISH,
    /**
     * Open Liberty: the adapter's id is its file name without .rar, {@code <application>.<module>} inside an EAR;
     * an MDB is bound to an activation specification of server.xml per message listener type.
     */
    LIBERTY;

    static Server current() {
        return valueOf(System.getProperty("it.server", "wildfly").toUpperCase().replace('-', '_'));
    }

    /**
     * @param application the EAR's name without extension, or null for a standalone warren.rar
     * @param mdb the MDB's class: in Liberty the activation specification depends on its message listener type
     * @return the name an MDB is bound to the adapter with: in Liberty the id of an activationSpec of server.xml
     */
    String mdbBinding(String application, Class<?> mdb) {
        return switch (this) {
            case WILDFLY -> application == null ? "warren.rar" : application + ".ear#warren.rar";
            case PAYARA, PAYARA_MICRO, GLASSFISH -> application == null ? "warren" : application + "#warren";
            case LIBERTY -> (application == null ? "warren/" : application + "/warren/") + listenerType(mdb);
        };
    }

    private static String listenerType(Class<?> mdb) {
        for (Class<?> type : mdb.getInterfaces()) {
            if (type.getPackageName().equals("io.warren")) {
                return type.getSimpleName();
            }
        }
        throw new IllegalArgumentException(mdb + " implements none of Warren's message listener types");
    }

    /**
     * @return where the server answers MicroProfile Health's readiness: WildFly's management port, the HTTP
     *     port of Payara, GlassFish and Liberty
     */
    URI readiness(URL base) throws URISyntaxException {
        return this == WILDFLY ? new URI("http://127.0.0.1:9990/health/ready") : base.toURI().resolve("/health/ready");
    }

    /** @return whether the server serves Warren's MBeans at /metrics: the Payaras; not WildFly, GlassFish 8 or Liberty */
    boolean servesMicroProfileMetrics() {
        return this == PAYARA || this == PAYARA_MICRO;
    }

    /** @return the resource adapter name a {@code <connection-factory>} definition uses */
    String connectionFactoryAdapter(String application) {
        return application == null ? "warren" : "#warren";
    }
}
