package io.warren.rar.config;

import jakarta.resource.spi.ConfigProperty;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The broker connection properties as JavaBean setters, shared by the resource adapter, the
 * managed connection factory and the activation spec. A property left unset (null) falls back to
 * the less specific layer, then to its {@link BrokerProperty#defaultValue() default}.
 */
public abstract class BrokerProperties implements Serializable {

    private static final long serialVersionUID = 1L;

    private final EnumMap<BrokerProperty, String> values = new EnumMap<>(BrokerProperty.class);

    /** Sets a property from its configured text; blank means unset. */
    protected void set(BrokerProperty property, Object value) {
        String text = value == null ? null : value.toString().trim();
        if (text == null || text.isEmpty()) {
            values.remove(property);
        } else {
            values.put(property, text);
        }
    }

    private String get(BrokerProperty property) {
        return values.get(property);
    }

    /** @return the properties set on this layer only */
    public Map<BrokerProperty, String> brokerProperties() {
        return Map.copyOf(values);
    }

    /** @return this layer's settings over the defaults */
    public ConnectionSettings connectionSettings() {
        return ConnectionSettings.of(values);
    }

    /** @return this layer's settings over those of a less specific layer */
    public ConnectionSettings connectionSettings(BrokerProperties fallback) {
        EnumMap<BrokerProperty, String> merged = new EnumMap<>(BrokerProperty.class);
        if (fallback != null) {
            merged.putAll(fallback.values);
        }
        merged.putAll(values);
        return ConnectionSettings.of(merged);
    }

    protected boolean sameBrokerProperties(BrokerProperties other) {
        return values.equals(other.values);
    }

    protected int brokerPropertiesHash() {
        return Objects.hash(values);
    }

    protected String brokerPropertiesText() {
        return ConnectionSettings.describe(values);
    }

    public String getUri() { return get(BrokerProperty.URI); }
    @ConfigProperty
    public void setUri(String uri) { set(BrokerProperty.URI, uri); }

    public String getHost() { return get(BrokerProperty.HOST); }
    @ConfigProperty
    public void setHost(String host) { set(BrokerProperty.HOST, host); }

    public Integer getPort() { return integer(BrokerProperty.PORT); }
    @ConfigProperty
    public void setPort(Integer port) { set(BrokerProperty.PORT, port); }

    public String getAddresses() { return get(BrokerProperty.ADDRESSES); }
    @ConfigProperty
    public void setAddresses(String addresses) { set(BrokerProperty.ADDRESSES, addresses); }

    public String getAddressStrategy() { return get(BrokerProperty.ADDRESS_STRATEGY); }
    @ConfigProperty
    public void setAddressStrategy(String strategy) { set(BrokerProperty.ADDRESS_STRATEGY, strategy); }

    public String getVirtualHost() { return get(BrokerProperty.VIRTUAL_HOST); }
    @ConfigProperty
    public void setVirtualHost(String virtualHost) { set(BrokerProperty.VIRTUAL_HOST, virtualHost); }

    public String getUser() { return get(BrokerProperty.USER); }
    @ConfigProperty
    public void setUser(String user) { set(BrokerProperty.USER, user); }

    public String getPassword() { return get(BrokerProperty.PASSWORD); }
    @ConfigProperty(confidential = true)
    public void setPassword(String password) { set(BrokerProperty.PASSWORD, password); }

    public Boolean getTls() { return bool(BrokerProperty.TLS); }
    @ConfigProperty
    public void setTls(Boolean tls) { set(BrokerProperty.TLS, tls); }

    public String getTrustStore() { return get(BrokerProperty.TRUST_STORE); }
    @ConfigProperty
    public void setTrustStore(String trustStore) { set(BrokerProperty.TRUST_STORE, trustStore); }

    public String getTrustStorePassword() { return get(BrokerProperty.TRUST_STORE_PASSWORD); }
    @ConfigProperty(confidential = true)
    public void setTrustStorePassword(String password) { set(BrokerProperty.TRUST_STORE_PASSWORD, password); }

    public String getTrustStoreType() { return get(BrokerProperty.TRUST_STORE_TYPE); }
    @ConfigProperty
    public void setTrustStoreType(String type) { set(BrokerProperty.TRUST_STORE_TYPE, type); }

    public Boolean getTlsTrustAll() { return bool(BrokerProperty.TLS_TRUST_ALL); }
    @ConfigProperty
    public void setTlsTrustAll(Boolean trustAll) { set(BrokerProperty.TLS_TRUST_ALL, trustAll); }

    public Integer getHeartbeatSeconds() { return integer(BrokerProperty.HEARTBEAT_SECONDS); }
    @ConfigProperty
    public void setHeartbeatSeconds(Integer seconds) { set(BrokerProperty.HEARTBEAT_SECONDS, seconds); }

    public Integer getConnectionTimeoutMillis() { return integer(BrokerProperty.CONNECTION_TIMEOUT_MILLIS); }
    @ConfigProperty
    public void setConnectionTimeoutMillis(Integer millis) { set(BrokerProperty.CONNECTION_TIMEOUT_MILLIS, millis); }

    public String getConnectionName() { return get(BrokerProperty.CONNECTION_NAME); }
    @ConfigProperty
    public void setConnectionName(String name) { set(BrokerProperty.CONNECTION_NAME, name); }

    public Integer getChannelRpcTimeoutMillis() { return integer(BrokerProperty.CHANNEL_RPC_TIMEOUT_MILLIS); }
    @ConfigProperty
    public void setChannelRpcTimeoutMillis(Integer millis) { set(BrokerProperty.CHANNEL_RPC_TIMEOUT_MILLIS, millis); }

    public Integer getPublishBlockedTimeoutMillis() { return integer(BrokerProperty.PUBLISH_BLOCKED_TIMEOUT_MILLIS); }
    @ConfigProperty
    public void setPublishBlockedTimeoutMillis(Integer millis) { set(BrokerProperty.PUBLISH_BLOCKED_TIMEOUT_MILLIS, millis); }

    public Integer getConnectRetryMillis() { return integer(BrokerProperty.CONNECT_RETRY_MILLIS); }
    @ConfigProperty
    public void setConnectRetryMillis(Integer millis) { set(BrokerProperty.CONNECT_RETRY_MILLIS, millis); }

    private Integer integer(BrokerProperty property) {
        String value = get(property);
        return value == null ? null : Integer.valueOf(value);
    }

    private Boolean bool(BrokerProperty property) {
        String value = get(property);
        return value == null ? null : Boolean.valueOf(value);
    }
}
