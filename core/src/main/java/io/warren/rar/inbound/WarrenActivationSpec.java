package io.warren.rar.inbound;

import io.warren.BatchListener;
import io.warren.MessageListener;
import io.warren.ReplyingListener;
import io.warren.rar.config.BrokerProperties;
import jakarta.resource.spi.Activation;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ResourceAdapter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An MDB's activation config: what it consumes and how (see {@link ActivationProperty}), plus
 * broker connection properties that override the resource adapter's for this MDB only. The
 * server sets each through its JavaBean pair, written from the declarations at build time
 * ({@code ActivationPropertyBeans}, {@code BrokerPropertyBeans}).
 */
@Activation(messageListeners = {MessageListener.class, ReplyingListener.class, BatchListener.class})
public class WarrenActivationSpec extends ActivationPropertyBeans implements ActivationSpec {

    private static final long serialVersionUID = 1L;

    private transient ResourceAdapter resourceAdapter;

    /** @return the activation properties set, without defaults */
    Map<ActivationProperty, String> activationProperties() {
        return Map.copyOf(activationPropertyValues());
    }

    /**
     * Checks every property at once.
     *
     * @throws InvalidPropertyException listing each bad property with what would be valid
     */
    @Override
    public void validate() throws InvalidPropertyException {
        List<String> problems = InboundSettings.parse(activationPropertyValues()).problems();
        List<String> brokerProblems = connectionSettings(brokerFallback()).problems();
        if (!problems.isEmpty() || !brokerProblems.isEmpty()) {
            List<String> all = new ArrayList<>(problems);
            all.addAll(brokerProblems);
            throw new InvalidPropertyException("Invalid Warren activation config: " + String.join("; ", all));
        }
    }

    /** @return the parsed settings; call {@link #validate()} first */
    InboundSettings inboundSettings() {
        return InboundSettings.parse(activationPropertyValues());
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

    @Override
    public String toString() {
        return "WarrenActivationSpec" + activationPropertyValues() + brokerPropertiesText();
    }
}
