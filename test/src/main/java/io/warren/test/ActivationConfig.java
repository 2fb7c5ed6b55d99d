package io.warren.test;

import io.warren.rar.inbound.WarrenActivationSpec;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * An MDB's activation config as the server reads it: the {@code @MessageDriven} properties, each
 * set on a new activation spec through its JavaBean setter, as the server does with ra.xml's
 * config properties; overrides from the test win.
 */
final class ActivationConfig {

    /** Properties a server reads itself and does not pass to the adapter. */
    private static final String RESOURCE_ADAPTER = "resourceAdapter";

    private ActivationConfig() {
    }

    static Map<String, String> of(Class<?> mdb, Map<String, String> overrides) {
        MessageDriven annotation = mdb.getAnnotation(MessageDriven.class);
        if (annotation == null && overrides.isEmpty()) {
            throw new IllegalArgumentException(mdb.getName() + " has no @MessageDriven annotation: give its "
                    + "activation config (queue, exchange...) as overrides");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        if (annotation != null) {
            for (ActivationConfigProperty property : annotation.activationConfig()) {
                properties.put(property.propertyName(), property.propertyValue());
            }
        }
        properties.putAll(overrides);
        properties.remove(RESOURCE_ADAPTER);
        return properties;
    }

    static WarrenActivationSpec spec(Class<?> mdb, Map<String, String> properties) {
        WarrenActivationSpec spec = new WarrenActivationSpec();
        properties.forEach((name, value) -> set(mdb, spec, name, value));
        return spec;
    }

    private static void set(Class<?> mdb, WarrenActivationSpec spec, String name, String value) {
        String setter = "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1);
        for (Method method : WarrenActivationSpec.class.getMethods()) {
            if (method.getName().equals(setter) && method.getParameterCount() == 1) {
                try {
                    method.invoke(spec, convert(name, value, method.getParameterTypes()[0]));
                    return;
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalArgumentException(mdb.getSimpleName() + ": activation property '" + name
                            + "' cannot be set to '" + value + "'", e);
                }
            }
        }
        TreeSet<String> known = new TreeSet<>();
        for (Method method : WarrenActivationSpec.class.getMethods()) {
            if (method.getName().startsWith("set") && method.getParameterCount() == 1
                    && !method.getName().equals("setResourceAdapter")) {
                known.add(Character.toLowerCase(method.getName().charAt(3)) + method.getName().substring(4));
            }
        }
        throw new IllegalArgumentException(mdb.getSimpleName() + ": Warren has no activation property '" + name
                + "'; it has " + known);
    }

    private static Object convert(String name, String value, Class<?> type) {
        if (type == String.class) {
            return value;
        }
        try {
            if (type == Integer.class || type == int.class) {
                return Integer.valueOf(value.trim());
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("activation property '" + name + "' must be a whole number, not '"
                    + value + "'", e);
        }
        if (type == Boolean.class || type == boolean.class) {
            return Boolean.valueOf(value.trim());
        }
        throw new IllegalArgumentException("activation property '" + name + "' has a setter of type " + type.getName()
                + " the test kit cannot set");
    }
}
