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
public abstract class BrokerProperties extends BrokerPropertyBeans implements Serializable {

    private static final long serialVersionUID = 1L;

    private final EnumMap<BrokerProperty, String> values = new EnumMap<>(BrokerProperty.class);

    @Override
    protected void set(BrokerProperty property, Object value) {
        String text = value == null ? null : value.toString().trim();
        if (text == null || text.isEmpty()) {
            values.remove(property);
        } else {
            values.put(property, text);
        }
    }

    @Override
    protected String get(BrokerProperty property) {
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
}
