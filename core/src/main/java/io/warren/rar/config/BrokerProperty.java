package io.warren.rar.config;

import java.util.Locale;

import static io.warren.rar.config.ValueType.bool;
import static io.warren.rar.config.ValueType.parsedBy;
import static io.warren.rar.config.ValueType.text;
import static io.warren.rar.config.ValueType.wholeNumber;

/**
 * Every broker connection property, declared once with its type, default and meaning: the
 * resource adapter, each connection factory and each activation spec accept all of them, the
 * more specific one winning, through the {@code @ConfigProperty} pairs of the generated
 * {@code BrokerPropertyBeans}.
 */
@BeanPairs(name = "BrokerPropertyBeans", configProperty = true)
public enum BrokerProperty implements PropertyDeclaration {
    @BeanPair(confidential = true)
    URI(text(), null, "amqp:// or amqps:// URI with user, password, host, port and vhost; overrides those properties"),
    HOST(text(), "localhost", "broker host name"),
    @BeanPair(type = Integer.class)
    PORT(wholeNumber(1, 65_535), null, "broker port; 5672, or 5671 with TLS"),
    ADDRESSES(text(), null, "comma-separated host:port list of cluster nodes, tried as addressStrategy says; overrides host and port"),
    ADDRESS_STRATEGY(parsedBy(BrokerProperty::addressStrategy), "inOrder",
            "order in which each new connection tries the addresses: inOrder (first that answers), shuffle (random), roundRobin (each connection starts at the next address)"),
    VIRTUAL_HOST(text(), "/", "virtual host"),
    USER(text(), "guest", "user name; a container-managed sign-on credential takes precedence"),
    @BeanPair(confidential = true)
    PASSWORD(text(), "guest", "password; never logged"),
    @BeanPair(type = Boolean.class)
    TLS(bool(), "false", "connect with TLS"),
    TRUST_STORE(text(), null, "path of the trust store holding the broker's CA; without it TLS uses the JVM's default trust"),
    @BeanPair(confidential = true)
    TRUST_STORE_PASSWORD(text(), null, "trust store password; never logged"),
    TRUST_STORE_TYPE(text(), "PKCS12", "trust store type, PKCS12 or JKS"),
    KEY_STORE(text(), null, "path of the key store holding the client certificate and its key, for mutual TLS; without it Warren shows no certificate"),
    @BeanPair(confidential = true)
    KEY_STORE_PASSWORD(text(), null, "key store password, also the key's; never logged"),
    KEY_STORE_TYPE(text(), "PKCS12", "key store type, PKCS12 or JKS"),
    KEY_STORE_ALIAS(text(), null, "alias of the key store entry to show; unset: the first that fits"),
    SASL_MECHANISM(parsedBy(BrokerProperty::saslMechanism), "PLAIN",
            "how Warren signs on: PLAIN (user and password, or an OAuth 2 token), EXTERNAL (the client certificate of keyStore alone; the broker takes the user from it)"),
    OAUTH2_TOKEN_ENDPOINT(text(), null, "OAuth 2 token endpoint URL (client credentials grant); when set, Warren signs on with a token it obtains there and refreshes on live connections"),
    OAUTH2_CLIENT_ID(text(), null, "OAuth 2 client id"),
    @BeanPair(confidential = true)
    OAUTH2_CLIENT_SECRET(text(), null, "OAuth 2 client secret; never logged"),
    OAUTH2_SCOPES(text(), null, "space-separated OAuth 2 scopes asked for; unset: the endpoint's default"),
    OAUTH2_TRUST_STORE(text(), null, "path of the trust store (type trustStoreType) holding the https token endpoint's CA; unset: the JVM's default trust"),
    @BeanPair(confidential = true)
    OAUTH2_TRUST_STORE_PASSWORD(text(), null, "password of oauth2TrustStore; never logged"),
    @BeanPair(type = Boolean.class)
    TLS_TRUST_ALL(bool(), "false", "trust any broker certificate under any host name (testing only; logged as a warning)"),
    @BeanPair(type = Integer.class)
    HEARTBEAT_SECONDS(wholeNumber(0, Integer.MAX_VALUE), "60", "AMQP heartbeat in seconds; 0 disables it"),
    @BeanPair(type = Integer.class)
    CONNECTION_TIMEOUT_MILLIS(wholeNumber(1, Integer.MAX_VALUE), "10000", "TCP connect and AMQP handshake timeout in milliseconds"),
    CONNECTION_NAME(text(), "warren", "client-provided connection name shown by the broker"),
    @BeanPair(type = Integer.class)
    CHANNEL_RPC_TIMEOUT_MILLIS(wholeNumber(1, Integer.MAX_VALUE), "30000",
            "longest wait in milliseconds for the broker's answer to a channel call (declare, fetch, open, close, commit)"),
    @BeanPair(type = Integer.class)
    PUBLISH_BLOCKED_TIMEOUT_MILLIS(wholeNumber(0, Integer.MAX_VALUE), "5000",
            "while the broker blocks publishers (memory or disk alarm), how long a publish waits in milliseconds before it fails; 0 fails at once"),
    @BeanPair(type = Integer.class)
    CONNECT_RETRY_MILLIS(wholeNumber(0, Integer.MAX_VALUE), "5000",
            "after a failed outbound connect, how long in milliseconds requests fail at once before the next attempt"),
    REPLY_QUEUE(text(), null,
            "connection factories only: the queue replies to requests come to, declared if absent (neither exclusive nor auto-delete), one per factory and server (`<replyQueue>.<user>` for a user the container signs on with); without it, RabbitMQ's direct reply-to (see docs/rpc.md)"),
    @BeanPair(type = Integer.class)
    MAX_INBOUND_MESSAGE_BODY_SIZE(wholeNumber(1, Integer.MAX_VALUE), "134217728",
            "largest message body in bytes Warren reads; a larger delivery is not read but dead-lettered with the reason (a fetch returns it without its body, marked x-warren-unreadable), and the connection stays up. The default, 128 MiB, is the most RabbitMQ 3.x accepts");

    private final ValueType type;
    private final String defaultValue;
    private final String description;

    BrokerProperty(ValueType type, String defaultValue, String description) {
        this.type = type;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    private static AddressStrategy addressStrategy(String text) {
        AddressStrategy strategy = AddressStrategy.of(text);
        if (strategy == null) {
            throw new IllegalArgumentException("'" + text + "' is none of " + AddressStrategy.valid());
        }
        return strategy;
    }

    private static String saslMechanism(String text) {
        String mechanism = text.toUpperCase(Locale.ROOT);
        if (!mechanism.equals("PLAIN") && !mechanism.equals("EXTERNAL")) {
            throw new IllegalArgumentException("'" + text + "' is neither PLAIN nor EXTERNAL");
        }
        return mechanism;
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
    public String description() {
        return description;
    }
}
