package io.warren.rar.config;

import java.util.Locale;

/**
 * One configuration property, declared once by a constant of {@link BrokerProperty} or
 * {@code ActivationProperty}: the JavaBean pair the servers set it through is written from it at
 * build time ({@link BeanPairs}), {@link PropertyValues} parses and checks it, and the README's
 * tables list it (a test holds them to it).
 * <p>
 * Adding a property: add the constant, with its {@link ValueType}, default and README line (and,
 * for a broker property that is not text or is secret, its {@link BeanPair}); put its row in the
 * README table (DocumentationTest prints the row it expects); if its validity depends on another
 * property, add a rule to {@code ActivationRules} or give it a bound or {@link DerivedDefault};
 * read it where it is used ({@code InboundSettings}, {@code ConnectionSettings}); write the test
 * of what it does. The getter, the setter, the parse and the message of a bad value follow.
 */
public interface PropertyDeclaration {

    /** @return the enum constant's name, such as {@code VIRTUAL_HOST} */
    String name();

    /** @return the JavaBean name as used in configuration, e.g. {@code virtualHost} */
    default String propertyName() {
        String[] words = name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return name.toString();
    }

    /** @return what text the property accepts and what it becomes */
    ValueType type();

    /** @return the default as text, or null where there is none (or it is {@link #derivedDefault() derived}) */
    String defaultValue();

    /** @return the default computed from earlier properties when unset, or null where there is none */
    default DerivedDefault derivedDefault() {
        return null;
    }

    /** @return one line for the README's property table */
    String description();

    /** @return whether the value must never appear in logs or {@code toString()}: its {@link BeanPair} says */
    default boolean secret() {
        BeanPair pair = beanPair();
        return pair != null && pair.confidential();
    }

    /** @return the type of the property's JavaBean getter and setter: its {@link BeanPair}'s, or String */
    default Class<?> beanType() {
        BeanPair pair = beanPair();
        return pair == null ? String.class : pair.type();
    }

    private BeanPair beanPair() {
        try {
            return ((Enum<?>) this).getDeclaringClass().getField(name()).getAnnotation(BeanPair.class);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("a property declaration is an enum constant: " + name(), e);
        }
    }
}
