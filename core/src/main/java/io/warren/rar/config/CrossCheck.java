package io.warren.rar.config;

import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A rule between properties, checked once each has been read on its own, e.g. an exclusive
 * consumer needs {@code concurrency=1}.
 *
 * @param property the property the message names
 * @param broken whether the values break the rule
 * @param why what is wrong and how to put it right, after the property's name
 */
public record CrossCheck<P extends Enum<P> & PropertyDeclaration>(
        P property, Predicate<PropertyValues<P>> broken, Function<PropertyValues<P>, String> why) {
}
