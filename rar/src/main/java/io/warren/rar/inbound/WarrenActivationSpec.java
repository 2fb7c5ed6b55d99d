package io.warren.rar.inbound;

import io.warren.MessageListener;
import io.warren.rar.config.BrokerProperties;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An MDB's activation config: what it consumes and how (see {@link ActivationProperty}), plus
 * broker connection properties that override the resource adapter's for this MDB only.
 */
@Activation(messageListeners = MessageListener.class)
public class WarrenActivationSpec extends BrokerProperties implements ActivationSpec {

    private static final long serialVersionUID = 1L;

    private final EnumMap<ActivationProperty, String> values = new EnumMap<>(ActivationProperty.class);
    private transient ResourceAdapter resourceAdapter;

    private void set(ActivationProperty property, Object value) {
        String text = value == null ? null : value.toString().trim();
        if (text == null || text.isEmpty()) {
            values.remove(property);
        } else {
            values.put(property, text);
        }
    }

    private String get(ActivationProperty property) {
        return values.get(property);
    }

    /** @return the activation properties set, without defaults */
    Map<ActivationProperty, String> activationProperties() {
        return Map.copyOf(values);
    }

    /**
     * Checks every property at once.
     *
     * @throws InvalidPropertyException listing each bad property with what would be valid
     */
    @Override
    public void validate() throws InvalidPropertyException {
        List<String> problems = InboundSettings.parse(values).problems();
        List<String> brokerProblems = connectionSettings(brokerFallback()).problems();
        if (!problems.isEmpty() || !brokerProblems.isEmpty()) {
            List<String> all = new java.util.ArrayList<>(problems);
            all.addAll(brokerProblems);
            throw new InvalidPropertyException("Invalid Warren activation config: " + String.join("; ", all));
        }
    }

    /** @return the parsed settings; call {@link #validate()} first */
    InboundSettings inboundSettings() {
        return InboundSettings.parse(values);
    }

    private BrokerProperties brokerFallback() {
        return resourceAdapter instanceof BrokerProperties adapter ? adapter : null;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter adapter) {
        this.resourceAdapter = adapter;
    }

    public String getQueue() { return get(ActivationProperty.QUEUE); }
    public void setQueue(String queue) { set(ActivationProperty.QUEUE, queue); }

    public String getQueues() { return get(ActivationProperty.QUEUES); }
    public void setQueues(String queues) { set(ActivationProperty.QUEUES, queues); }

    public String getExchange() { return get(ActivationProperty.EXCHANGE); }
    public void setExchange(String exchange) { set(ActivationProperty.EXCHANGE, exchange); }

    public String getExchangeType() { return get(ActivationProperty.EXCHANGE_TYPE); }
    public void setExchangeType(String type) { set(ActivationProperty.EXCHANGE_TYPE, type); }

    public String getRoutingKeys() { return get(ActivationProperty.ROUTING_KEYS); }
    public void setRoutingKeys(String keys) { set(ActivationProperty.ROUTING_KEYS, keys); }

    public String getBindingHeaders() { return get(ActivationProperty.BINDING_HEADERS); }
    public void setBindingHeaders(String headers) { set(ActivationProperty.BINDING_HEADERS, headers); }

    public String getHeadersMatch() { return get(ActivationProperty.HEADERS_MATCH); }
    public void setHeadersMatch(String match) { set(ActivationProperty.HEADERS_MATCH, match); }

    public String getDeclare() { return get(ActivationProperty.DECLARE); }
    public void setDeclare(String declare) { set(ActivationProperty.DECLARE, declare); }

    public String getDurable() { return get(ActivationProperty.DURABLE); }
    public void setDurable(String durable) { set(ActivationProperty.DURABLE, durable); }

    public String getQueueType() { return get(ActivationProperty.QUEUE_TYPE); }
    public void setQueueType(String type) { set(ActivationProperty.QUEUE_TYPE, type); }

    public String getDeadLetterExchange() { return get(ActivationProperty.DEAD_LETTER_EXCHANGE); }
    public void setDeadLetterExchange(String exchange) { set(ActivationProperty.DEAD_LETTER_EXCHANGE, exchange); }

    public String getDeadLetterRoutingKey() { return get(ActivationProperty.DEAD_LETTER_ROUTING_KEY); }
    public void setDeadLetterRoutingKey(String key) { set(ActivationProperty.DEAD_LETTER_ROUTING_KEY, key); }

    public String getPrefetch() { return get(ActivationProperty.PREFETCH); }
    public void setPrefetch(String prefetch) { set(ActivationProperty.PREFETCH, prefetch); }

    public String getConcurrency() { return get(ActivationProperty.CONCURRENCY); }
    public void setConcurrency(String concurrency) { set(ActivationProperty.CONCURRENCY, concurrency); }

    public String getAckMode() { return get(ActivationProperty.ACK_MODE); }
    public void setAckMode(String mode) { set(ActivationProperty.ACK_MODE, mode); }

    public String getMaxDeliveries() { return get(ActivationProperty.MAX_DELIVERIES); }
    public void setMaxDeliveries(String max) { set(ActivationProperty.MAX_DELIVERIES, max); }

    public String getAccept() { return get(ActivationProperty.ACCEPT); }
    public void setAccept(String accept) { set(ActivationProperty.ACCEPT, accept); }

    public String getMaxDecompressedBytes() { return get(ActivationProperty.MAX_DECOMPRESSED_BYTES); }
    public void setMaxDecompressedBytes(String bytes) { set(ActivationProperty.MAX_DECOMPRESSED_BYTES, bytes); }

    public String getReconnectIntervalMillis() { return get(ActivationProperty.RECONNECT_INTERVAL_MILLIS); }
    public void setReconnectIntervalMillis(String millis) { set(ActivationProperty.RECONNECT_INTERVAL_MILLIS, millis); }

    public String getMaxReconnectIntervalMillis() { return get(ActivationProperty.MAX_RECONNECT_INTERVAL_MILLIS); }
    public void setMaxReconnectIntervalMillis(String millis) { set(ActivationProperty.MAX_RECONNECT_INTERVAL_MILLIS, millis); }

    public String getReconnectAttempts() { return get(ActivationProperty.RECONNECT_ATTEMPTS); }
    public void setReconnectAttempts(String attempts) { set(ActivationProperty.RECONNECT_ATTEMPTS, attempts); }

    public String getShutdownTimeoutMillis() { return get(ActivationProperty.SHUTDOWN_TIMEOUT_MILLIS); }
    public void setShutdownTimeoutMillis(String millis) { set(ActivationProperty.SHUTDOWN_TIMEOUT_MILLIS, millis); }

    @Override
    public String toString() {
        return "WarrenActivationSpec" + values + brokerPropertiesText();
    }
}
