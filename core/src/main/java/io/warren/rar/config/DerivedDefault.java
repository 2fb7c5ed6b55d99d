package io.warren.rar.config;

import java.util.function.Function;

/**
 * The default of a property that depends on properties declared before it, e.g. {@code ackEvery}
 * on {@code prefetch}.
 *
 * @param description how it is derived, for the message of a bad value ("leave it unset for ...")
 * @param value computes it from the earlier values
 */
public record DerivedDefault(String description, Function<ValueType.Earlier, Object> value) {
}
