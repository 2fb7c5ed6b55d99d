package io.warren.rar.config;

import java.util.Locale;

/**
 * Every broker connection property, defined once: the resource adapter, each connection factory
 * and each activation spec accept all of them, the more specific one winning.
 */
public enum BrokerProperty {
    URI(null, false, "amqp:// or amqps:// URI with user, password, host, port and vhost; overrides those properties"),
    HOST("localhost", false, "broker host name"),
    PORT(null, false, "broker port; 5672, or 5671 with TLS"),
    ADDRESSES(null, false, "comma-separated host:port list of cluster nodes, tried as addressStrategy says; overrides host and port"),
    ADDRESS_STRATEGY("inOrder", false,
            "order in which each new connection tries the addresses: inOrder (first that answers), shuffle (random), roundRobin (each connection starts at the next address)"),
    VIRTUAL_HOST("/", false, "virtual host"),
    USER("guest", false, "user name; a container-managed sign-on credential takes precedence"),
    PASSWORD("guest", true, "password; never logged"),
    TLS("false", false, "connect with TLS"),
    TRUST_STORE(null, false, "path of the trust store holding the broker's CA; without it TLS uses the JVM's default trust"),
    TRUST_STORE_PASSWORD(null, true, "trust store password; never logged"),
    TRUST_STORE_TYPE("PKCS12", false, "trust store type, PKCS12 or JKS"),
    TLS_TRUST_ALL("false", false, "trust any broker certificate under any host name (testing only; logged as a warning)"),
    HEARTBEAT_SECONDS("60", false, "AMQP heartbeat in seconds; 0 disables it"),
    CONNECTION_TIMEOUT_MILLIS("10000", false, "TCP connect and AMQP handshake timeout in milliseconds"),
    CONNECTION_NAME("warren", false, "client-provided connection name shown by the broker"),
    CHANNEL_RPC_TIMEOUT_MILLIS("30000", false,
            "longest wait in milliseconds for the broker's answer to a channel call (declare, fetch, open, close, commit)"),
    PUBLISH_BLOCKED_TIMEOUT_MILLIS("5000", false,
            "while the broker blocks publishers (memory or disk alarm), how long a publish waits in milliseconds before it fails; 0 fails at once"),
    CONNECT_RETRY_MILLIS("5000", false,
            "after a failed outbound connect, how long in milliseconds requests fail at once before the next attempt");

    private final String defaultValue;
    private final boolean secret;
    private final String description;

    BrokerProperty(String defaultValue, boolean secret, String description) {
        this.defaultValue = defaultValue;
        this.secret = secret;
        this.description = description;
    }

    /** @return the JavaBean name as used in configuration, e.g. {@code virtualHost} */
    public String propertyName() {
        String[] words = name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return name.toString();
    }

    /** @return the default, or null where there is none */
    public String defaultValue() {
        return defaultValue;
    }

    /** @return whether the value must never appear in logs or {@code toString()} */
    public boolean secret() {
        return secret;
    }

    /** @return one line for the README's property table */
    public String description() {
        return description;
    }
}
