package io.warren.rar.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an enum of {@link PropertyDeclaration}s whose JavaBean getters and setters
 * warren-config-processor writes at build time, one pair per constant, into an abstract class
 * of this package that the configured class extends. Servers set properties only through such
 * pairs; generating them leaves the constant the one place a property is declared.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface BeanPairs {

    /** @return the simple name of the abstract class written */
    String name();

    /** @return the qualified name of the class it extends; empty for none */
    String superclass() default "";

    /** @return whether each setter carries {@code @ConfigProperty}, as a resource adapter's and a connection factory's must */
    boolean configProperty() default false;
}
