package io.warren.rar.config;

import static io.warren.rar.config.ValueType.bool;
import static io.warren.rar.config.ValueType.parsedBy;
import static io.warren.rar.config.ValueType.text;
import static io.warren.rar.config.ValueType.wholeNumber;

/**
 * Every broker connection property, declared once with its type, default and meaning: the
 * resource adapter, each connection factory and each activation spec accept all of them, the
 * more specific one winning.
 */
public enum BrokerProperty implements PropertyDeclaration {
    URI(text(), null, false, "amqp:// or amqps:// URI with user, password, host, port and vhost; overrides those properties"),
    HOST(text(), "localhost", false, "broker host name"),
    PORT(wholeNumber(1, 65_535), null, false, "broker port; 5672, or 5671 with TLS"),
    ADDRESSES(text(), null, false, "comma-separated host:port list of cluster nodes, tried as addressStrategy says; overrides host and port"),
    ADDRESS_STRATEGY(parsedBy(BrokerProperty::addressStrategy), "inOrder", false,
            "order in which each new connection tries the addresses: inOrder (first that answers), shuffle (random), roundRobin (each connection starts at the next address)"),
    VIRTUAL_HOST(text(), "/", false, "virtual host"),
    USER(text(), "guest", false, "user name; a container-managed sign-on credential takes precedence"),
    PASSWORD(text(), "guest", true, "password; never logged"),
    TLS(bool(), "false", false, "connect with TLS"),
    TRUST_STORE(text(), null, false, "path of the trust store holding the broker's CA; without it TLS uses the JVM's default trust"),
    TRUST_STORE_PASSWORD(text(), null, true, "trust store password; never logged"),
    TRUST_STORE_TYPE(text(), "PKCS12", false, "trust store type, PKCS12 or JKS"),
    TLS_TRUST_ALL(bool(), "false", false, "trust any broker certificate under any host name (testing only; logged as a warning)"),
    HEARTBEAT_SECONDS(wholeNumber(0, Integer.MAX_VALUE), "60", false, "AMQP heartbeat in seconds; 0 disables it"),
    CONNECTION_TIMEOUT_MILLIS(wholeNumber(1, Integer.MAX_VALUE), "10000", false, "TCP connect and AMQP handshake timeout in milliseconds"),
    CONNECTION_NAME(text(), "warren", false, "client-provided connection name shown by the broker"),
    CHANNEL_RPC_TIMEOUT_MILLIS(wholeNumber(1, Integer.MAX_VALUE), "30000", false,
            "longest wait in milliseconds for the broker's answer to a channel call (declare, fetch, open, close, commit)"),
    PUBLISH_BLOCKED_TIMEOUT_MILLIS(wholeNumber(0, Integer.MAX_VALUE), "5000", false,
            "while the broker blocks publishers (memory or disk alarm), how long a publish waits in milliseconds before it fails; 0 fails at once"),
    CONNECT_RETRY_MILLIS(wholeNumber(0, Integer.MAX_VALUE), "5000", false,
            "after a failed outbound connect, how long in milliseconds requests fail at once before the next attempt");

    private final ValueType type;
    private final String defaultValue;
    private final boolean secret;
    private final String description;

    BrokerProperty(ValueType type, String defaultValue, boolean secret, String description) {
        this.type = type;
        this.defaultValue = defaultValue;
        this.secret = secret;
        this.description = description;
    }

    private static AddressStrategy addressStrategy(String text) {
        AddressStrategy strategy = AddressStrategy.of(text);
        if (strategy == null) {
            throw new IllegalArgumentException("'" + text + "' is none of " + AddressStrategy.valid());
        }
        return strategy;
    }

    @Override
    public ValueType type() {
        return type;
    }

    @Override
    public String defaultValue() {
        return defaultValue;
    }

    @Override
    public boolean secret() {
        return secret;
    }

    @Override
    public String description() {
        return description;
    }
}
