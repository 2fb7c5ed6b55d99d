package io.warren.rar.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Configured text read through the declarations: each property parsed by its {@link ValueType},
 * in declaration order so that a bound or {@link DerivedDefault} may use an earlier one, then the
 * {@link CrossCheck}s. Every bad value becomes a problem naming its property, and the property
 * takes its default instead, so one pass reports them all.
 */
public final class PropertyValues<P extends Enum<P> & PropertyDeclaration> implements ValueType.Earlier {

    private final Map<P, String> configured;
    private final EnumMap<P, Object> values;
    private final List<String> problems = new ArrayList<>();

    private PropertyValues(Class<P> declarations, Map<P, String> configured) {
        EnumMap<P, String> copy = new EnumMap<>(declarations);
        copy.putAll(configured);
        this.configured = Collections.unmodifiableMap(copy);
        this.values = new EnumMap<>(declarations);
        for (P property : declarations.getEnumConstants()) {
            Object value = read(property);
            if (value != null) {
                values.put(property, value);
            }
        }
    }

    /** @return the configured values (unset ones absent) read, with every problem of a single property */
    public static <P extends Enum<P> & PropertyDeclaration> PropertyValues<P> read(
            Class<P> declarations, Map<P, String> configured) {
        return new PropertyValues<>(declarations, configured);
    }

    /** @return these values, with the problems of every check the values break added */
    public PropertyValues<P> check(List<CrossCheck<P>> checks) {
        for (CrossCheck<P> check : checks) {
            if (check.broken().test(this)) {
                problem(check.property(), check.why().apply(this));
            }
        }
        return this;
    }

    private Object read(P property) {
        String text = configured.get(property);
        if (text != null) {
            try {
                return property.type().read(text, this);
            } catch (IllegalArgumentException e) {
                DerivedDefault derived = property.derivedDefault();
                // a secret's text stays out of the message, which the deployment error and the log show
                String message = property.secret() ? e.getMessage().replace(text, "****") : e.getMessage();
                problem(property, message + (derived == null ? "" : "; leave it unset for " + derived.description()));
            }
        }
        return unset(property);
    }

    private Object unset(P property) {
        if (property.derivedDefault() != null) {
            return property.derivedDefault().value().apply(this);
        }
        // a default that does not parse is a mistake in the declaration, which a test reads every one of
        return property.defaultValue() == null ? null : property.type().read(property.defaultValue(), this);
    }

    private void problem(P property, String message) {
        problems.add(property.propertyName() + ": " + message);
    }

    /** @return every bad value and every broken rule, each naming its property; empty when all are good */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** @return whether the property was configured, rather than left to its default */
    public boolean isSet(P property) {
        return configured.containsKey(property);
    }

    /** @return the configured text, or null when unset */
    public String configured(P property) {
        return configured.get(property);
    }

    @Override
    public Object value(PropertyDeclaration property) {
        return values.get(property);
    }

    /** @return the value as its type made it, or null where the property has none */
    public <T> T get(P property, Class<T> type) {
        return type.cast(values.get(property));
    }

    public String text(P property) {
        return get(property, String.class);
    }

    public boolean bool(P property) {
        return get(property, Boolean.class);
    }

    public int integer(P property) {
        return get(property, Integer.class);
    }

    public double decimal(P property) {
        return get(property, Double.class);
    }

    /** @return the name=value pairs of a property its parser reads into a map; empty when unset */
    @SuppressWarnings("unchecked")
    public Map<String, Object> pairs(P property) {
        Map<String, Object> pairs = get(property, Map.class);
        return pairs == null ? Map.of() : pairs;
    }

    @SuppressWarnings("unchecked")
    public List<String> list(P property) {
        List<String> items = get(property, List.class);
        return items == null ? List.of() : items;
    }
}
