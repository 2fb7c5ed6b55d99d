package io.warren.it.auth;

/**
 * What the authentication application and its test agree on: the queues on the test's TLS node,
 * the connection factories the application defines for it (web.xml) and the names their
 * connections carry, by which the test finds them in the node's {@code list_connections}.
 */
public final class AuthNames {
    /** What the EJB publishes over mutual TLS and {@link TlsMdb} consumes, signed on by its certificate. */
    public static final String TLS = "warren.it.auth.tls";
    public static final String TLS_DONE = "warren.it.auth.tls.done";
    /** What the EJB publishes with OAuth 2 tokens and {@link OAuth2Mdb} consumes. */
    public static final String OAUTH2 = "warren.it.auth.oauth2";
    public static final String OAUTH2_DONE = "warren.it.auth.oauth2.done";

    public static final String TLS_FACTORY = "java:app/warren/TlsConnectionFactory";
    public static final String OAUTH2_FACTORY = "java:app/warren/OAuth2ConnectionFactory";
    public static final String TLS_CONNECTION = "warren-it-tls-ejb";
    public static final String TLS_MDB_CONNECTION = "warren-it-tls-mdb";
    public static final String OAUTH2_CONNECTION = "warren-it-oauth2-ejb";
    public static final String OAUTH2_MDB_CONNECTION = "warren-it-oauth2-mdb";

    private AuthNames() {
    }
}
