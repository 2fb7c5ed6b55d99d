package io.warren.rar.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How the JavaBean pair of one declared property looks, where it is not plain text: read by
 * warren-config-processor at build time and by {@link PropertyDeclaration} at run time.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface BeanPair {

    /** @return the getter's and setter's type: String, Integer or Boolean */
    Class<?> type() default String.class;

    /** @return whether the server must treat the value as secret, and Warren never show it */
    boolean confidential() default false;
}
