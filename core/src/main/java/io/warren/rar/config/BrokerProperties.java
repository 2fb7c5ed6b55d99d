package io.warren.rar.config;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The broker connection properties of one layer, shared by the resource adapter, the managed
 * connection factory and the activation spec, which the servers set through the JavaBean pairs
 * written from {@link BrokerProperty} ({@code BrokerPropertyBeans}). A property left unset (null)
 * falls back to the less specific layer, then to its {@link BrokerProperty#defaultValue() default}.
 */
public class BrokerProperties extends BrokerPropertyBeans implements Serializable {

    private static final long serialVersionUID = 1L;

    /** @return the properties set on this layer only */
    public Map<BrokerProperty, String> brokerProperties() {
        return Map.copyOf(brokerPropertyValues());
    }

    /** @return this layer's settings over the defaults */
    public ConnectionSettings connectionSettings() {
        return ConnectionSettings.of(brokerPropertyValues());
    }

    /** @return this layer's settings over those of a less specific layer */
    public ConnectionSettings connectionSettings(BrokerProperties fallback) {
        EnumMap<BrokerProperty, String> merged = new EnumMap<>(BrokerProperty.class);
        if (fallback != null) {
            merged.putAll(fallback.brokerPropertyValues());
        }
        merged.putAll(brokerPropertyValues());
        return ConnectionSettings.of(merged);
    }

    protected boolean sameBrokerProperties(BrokerProperties other) {
        return brokerPropertyValues().equals(other.brokerPropertyValues());
    }

    protected int brokerPropertiesHash() {
        return Objects.hash(brokerPropertyValues());
    }

    protected String brokerPropertiesText() {
        return ConnectionSettings.describe(brokerPropertyValues());
    }
}
