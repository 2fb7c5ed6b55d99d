package io.warren.rar.config;

import com.rabbitmq.client.Address;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Resolved broker connection settings: every property with its layered value or default, the URI
 * taken apart, and every bad value reported at once by {@link #problems()}.
 */
public final class ConnectionSettings {

    private final Map<BrokerProperty, String> values;
    private final List<String> problems = new ArrayList<>();
    private final List<Address> addresses = new ArrayList<>();
    private String virtualHost;
    private String user;
    private String password;
    private final PropertyValues<BrokerProperty> parsed;
    private boolean tls;

    private ConnectionSettings(Map<BrokerProperty, String> layered) {
        EnumMap<BrokerProperty, String> resolved = new EnumMap<>(BrokerProperty.class);
        for (BrokerProperty property : BrokerProperty.values()) {
            String value = layered.get(property);
            if (value != null || property.defaultValue() != null) {
                resolved.put(property, value != null ? value : property.defaultValue());
            }
        }
        this.values = Collections.unmodifiableMap(resolved);
        parsed = PropertyValues.read(BrokerProperty.class, layered);
        problems.addAll(parsed.problems());
        virtualHost = parsed.text(BrokerProperty.VIRTUAL_HOST);
        user = parsed.text(BrokerProperty.USER);
        password = parsed.text(BrokerProperty.PASSWORD);
        tls = parsed.bool(BrokerProperty.TLS);
        String uri = parsed.text(BrokerProperty.URI);
        if (uri != null) {
            applyUri(uri);
        } else {
            resolveAddresses();
        }
        checkSignOn();
    }

    /** The mechanisms exclude each other; each needs its own properties, named in the message. */
    private void checkSignOn() {
        if (external()) {
            if (!tls) {
                problems.add("saslMechanism: EXTERNAL signs on with the client certificate of a TLS connection; set tls=true");
            }
            if (keyStore() == null) {
                problems.add("saslMechanism: EXTERNAL needs keyStore, the key store holding the client certificate");
            }
            if (oauth2TokenEndpoint() != null) {
                problems.add("saslMechanism: EXTERNAL and oauth2TokenEndpoint exclude each other; unset one");
            }
        }
        if (oauth2TokenEndpoint() != null) {
            String endpoint = oauth2TokenEndpoint();
            if (!endpoint.startsWith("https://") && !endpoint.startsWith("http://")) {
                problems.add("oauth2TokenEndpoint: '" + endpoint + "' must be an http:// or https:// URL");
            }
            if (oauth2ClientId() == null) {
                problems.add("oauth2ClientId: the client id is needed with oauth2TokenEndpoint");
            }
        }
    }

    /** @return the settings for those layered values, defaults filling the rest */
    public static ConnectionSettings of(Map<BrokerProperty, String> values) {
        return new ConnectionSettings(values);
    }

    private void applyUri(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
            if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
                problems.add("uri: scheme must be amqp or amqps, not '" + scheme + "'");
                return;
            }
            tls = tls || scheme.equals("amqps");
            if (uri.getRawUserInfo() != null) {
                String[] userInfo = uri.getRawUserInfo().split(":", 2);
                user = decode(userInfo[0]);
                if (userInfo.length == 2) {
                    password = decode(userInfo[1]);
                }
            }
            if (uri.getRawPath() != null && uri.getRawPath().length() > 1) {
                virtualHost = decode(uri.getRawPath().substring(1));
            }
            if (uri.getHost() == null && uri.getRawAuthority() != null) {
                // a raw '@' or ':' in the user info leaves java.net.URI no host: never fall back to localhost
                problems.add("uri: has no host the URI parser can find; percent-encode reserved characters in the "
                        + "user name and password ('@' as %40, ':' as %3A, '/' as %2F, '%' as %25)");
                return;
            }
            int port = uri.getPort() > 0 ? uri.getPort() : defaultPort();
            addresses.add(new Address(uri.getHost() == null ? "localhost" : uri.getHost(), port));
        } catch (URISyntaxException e) {
            // never echo the URI: it may hold the password
            problems.add("uri: not a valid amqp:// or amqps:// URI (" + e.getReason() + ")");
        }
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private void resolveAddresses() {
        String list = parsed.text(BrokerProperty.ADDRESSES);
        if (list == null) {
            Integer port = parsed.get(BrokerProperty.PORT, Integer.class);
            addresses.add(new Address(parsed.text(BrokerProperty.HOST), port == null ? defaultPort() : port));
            return;
        }
        for (String entry : list.split(",")) {
            String address = entry.trim();
            if (address.isEmpty()) {
                continue;
            }
            int colon = address.lastIndexOf(':');
            try {
                addresses.add(colon < 0 ? new Address(address, defaultPort())
                        : new Address(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
            } catch (NumberFormatException e) {
                problems.add("addresses: '" + address + "' is not host or host:port");
            }
        }
        if (addresses.isEmpty() && problems.isEmpty()) {
            problems.add("addresses: give at least one host:port");
        }
    }

    private int defaultPort() {
        return tls ? 5671 : 5672;
    }

    /** @return every bad property, each naming the property and what would be valid; empty when all are good */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** @return the nodes to connect to, as configured */
    public List<Address> addresses() {
        return List.copyOf(addresses);
    }

    /** @return the order in which a new connection tries the addresses */
    public AddressStrategy addressStrategy() {
        return parsed.get(BrokerProperty.ADDRESS_STRATEGY, AddressStrategy.class);
    }

    public String virtualHost() {
        return virtualHost;
    }

    public String user() {
        return user;
    }

    /** @return the password; keep it out of logs */
    public String password() {
        return password;
    }

    public boolean tls() {
        return tls;
    }

    public boolean tlsTrustAll() {
        return parsed.bool(BrokerProperty.TLS_TRUST_ALL);
    }

    public String trustStore() {
        return parsed.text(BrokerProperty.TRUST_STORE);
    }

    public String trustStorePassword() {
        return parsed.text(BrokerProperty.TRUST_STORE_PASSWORD);
    }

    public String trustStoreType() {
        return parsed.text(BrokerProperty.TRUST_STORE_TYPE);
    }

    public String keyStore() {
        return parsed.text(BrokerProperty.KEY_STORE);
    }

    public String keyStorePassword() {
        return parsed.text(BrokerProperty.KEY_STORE_PASSWORD);
    }

    public String keyStoreType() {
        return parsed.text(BrokerProperty.KEY_STORE_TYPE);
    }

    public String keyStoreAlias() {
        return parsed.text(BrokerProperty.KEY_STORE_ALIAS);
    }

    /** @return true when Warren signs on with the client certificate alone (SASL EXTERNAL) */
    public boolean external() {
        return "EXTERNAL".equals(parsed.text(BrokerProperty.SASL_MECHANISM));
    }

    public String oauth2TokenEndpoint() {
        return parsed.text(BrokerProperty.OAUTH2_TOKEN_ENDPOINT);
    }

    public String oauth2ClientId() {
        return parsed.text(BrokerProperty.OAUTH2_CLIENT_ID);
    }

    /** @return the client secret; keep it out of logs */
    public String oauth2ClientSecret() {
        return parsed.text(BrokerProperty.OAUTH2_CLIENT_SECRET);
    }

    public String oauth2Scopes() {
        return parsed.text(BrokerProperty.OAUTH2_SCOPES);
    }

    public String oauth2TrustStore() {
        return parsed.text(BrokerProperty.OAUTH2_TRUST_STORE);
    }

    public String oauth2TrustStorePassword() {
        return parsed.text(BrokerProperty.OAUTH2_TRUST_STORE_PASSWORD);
    }

    public int heartbeatSeconds() {
        return parsed.integer(BrokerProperty.HEARTBEAT_SECONDS);
    }

    public int connectionTimeoutMillis() {
        return parsed.integer(BrokerProperty.CONNECTION_TIMEOUT_MILLIS);
    }

    public String connectionName() {
        return parsed.text(BrokerProperty.CONNECTION_NAME);
    }

    public int maxInboundMessageBodySize() {
        return parsed.integer(BrokerProperty.MAX_INBOUND_MESSAGE_BODY_SIZE);
    }

    public int channelRpcTimeoutMillis() {
        return parsed.integer(BrokerProperty.CHANNEL_RPC_TIMEOUT_MILLIS);
    }

    public Duration publishBlockedTimeout() {
        return Duration.ofMillis(parsed.integer(BrokerProperty.PUBLISH_BLOCKED_TIMEOUT_MILLIS));
    }

    public Duration connectRetry() {
        return Duration.ofMillis(parsed.integer(BrokerProperty.CONNECT_RETRY_MILLIS));
    }

    /** @return the queue replies to requests come to; null for RabbitMQ's direct reply-to */
    public String replyQueue() {
        return parsed.text(BrokerProperty.REPLY_QUEUE);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConnectionSettings that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "ConnectionSettings" + describe(values);
    }

    /** @return the values as text, with secrets masked and the URI's password hidden */
    static String describe(Map<BrokerProperty, String> values) {
        StringJoiner text = new StringJoiner(", ", "[", "]");
        values.forEach((property, value) -> text.add(property.propertyName() + "=" + masked(property, value)));
        return text.toString();
    }

    private static String masked(BrokerProperty property, String value) {
        if (property == BrokerProperty.URI) {
            return maskedUri(value);
        }
        if (property.secret()) {
            return "****";
        }
        return value;
    }

    /** The host tells which broker was meant; a URI that does not parse cleanly is all hidden, as its password may be anywhere. */
    private static String maskedUri(String value) {
        try {
            URI uri = new URI(value);
            String userInfo = uri.getRawUserInfo();
            if (uri.getHost() == null && uri.getRawAuthority() != null) {
                return "****";
            }
            if (userInfo == null || !userInfo.contains(":")) {
                return value;
            }
            String user = userInfo.substring(0, userInfo.indexOf(':'));
            return uri.getScheme() + "://" + user + ":****@" + uri.getHost()
                    + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + (uri.getRawPath() == null ? "" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        } catch (URISyntaxException e) {
            return "****";
        }
    }
}
