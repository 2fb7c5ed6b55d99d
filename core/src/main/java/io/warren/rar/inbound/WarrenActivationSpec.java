package io.warren.rar.inbound;

import io.warren.MessageListener;
import io.warren.rar.config.BrokerProperties;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;

import java.util.ArrayList;
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
            List<String> all = new ArrayList<>(problems);
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

    public String getAckEvery() { return get(ActivationProperty.ACK_EVERY); }
    public void setAckEvery(String every) { set(ActivationProperty.ACK_EVERY, every); }

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

    public String getMessageTtlMillis() { return get(ActivationProperty.MESSAGE_TTL_MILLIS); }
    public void setMessageTtlMillis(String millis) { set(ActivationProperty.MESSAGE_TTL_MILLIS, millis); }

    public String getMaxLength() { return get(ActivationProperty.MAX_LENGTH); }
    public void setMaxLength(String messages) { set(ActivationProperty.MAX_LENGTH, messages); }

    public String getOverflow() { return get(ActivationProperty.OVERFLOW); }
    public void setOverflow(String overflow) { set(ActivationProperty.OVERFLOW, overflow); }

    public String getSingleActiveConsumer() { return get(ActivationProperty.SINGLE_ACTIVE_CONSUMER); }
    public void setSingleActiveConsumer(String single) { set(ActivationProperty.SINGLE_ACTIVE_CONSUMER, single); }

    public String getQueueArguments() { return get(ActivationProperty.QUEUE_ARGUMENTS); }
    public void setQueueArguments(String arguments) { set(ActivationProperty.QUEUE_ARGUMENTS, arguments); }

    public String getConsumerPriority() { return get(ActivationProperty.CONSUMER_PRIORITY); }
    public void setConsumerPriority(String priority) { set(ActivationProperty.CONSUMER_PRIORITY, priority); }

    public String getExclusive() { return get(ActivationProperty.EXCLUSIVE); }
    public void setExclusive(String exclusive) { set(ActivationProperty.EXCLUSIVE, exclusive); }

    public String getStreamOffset() { return get(ActivationProperty.STREAM_OFFSET); }
    public void setStreamOffset(String offset) { set(ActivationProperty.STREAM_OFFSET, offset); }

    public String getRedeliveryDelayMillis() { return get(ActivationProperty.REDELIVERY_DELAY_MILLIS); }
    public void setRedeliveryDelayMillis(String millis) { set(ActivationProperty.REDELIVERY_DELAY_MILLIS, millis); }

    public String getRedeliveryMultiplier() { return get(ActivationProperty.REDELIVERY_MULTIPLIER); }
    public void setRedeliveryMultiplier(String multiplier) { set(ActivationProperty.REDELIVERY_MULTIPLIER, multiplier); }

    public String getMaxRedeliveryDelayMillis() { return get(ActivationProperty.MAX_REDELIVERY_DELAY_MILLIS); }
    public void setMaxRedeliveryDelayMillis(String millis) { set(ActivationProperty.MAX_REDELIVERY_DELAY_MILLIS, millis); }

    @Override
    public String toString() {
        return "WarrenActivationSpec" + values + brokerPropertiesText();
    }
}
