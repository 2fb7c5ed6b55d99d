package io.warren.cdi;


import jakarta.enterprise.util.Nonbinding;
import jakarta.inject.Qualifier;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Qualifies an injected {@link io.warren.Producer}: the exchange it publishes to and how.
 *
 * <pre>{@code
 * @Inject @PublishTo(exchange = "feed", routingKey = "importer")
 * Producer feed;
 *
 * @Inject @PublishTo(exchange = "orders", confirmTimeoutMillis = 5000, mandatory = true)
 * Producer orders;
 * }</pre>
 *
 * The producer borrows a container-pooled channel for each publish, joins the caller's JTA
 * transaction, and is safe to use from many threads.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.METHOD, ElementType.TYPE})
public @interface PublishTo {

    /** @return the exchange; empty for the default exchange (routing key = queue name) */
    @Nonbinding String exchange() default "";

    /** @return the routing key used when a publish names none */
    @Nonbinding String routingKey() default "";

    /** @return the serializer: {@code json}, {@code text}, {@code raw}, {@code msgpack}, or a registered name or content type */
    @Nonbinding String serializer() default "json";

    /**
     * @return how every message is compressed, as kombu compresses: {@code zlib}, {@code bzip2},
     *     {@code lzma} or {@code zstd}; empty (the default) for none
     */
    @Nonbinding String compression() default "";

    /** @return how long each publish waits for the broker's confirm; 0 (the default) for no confirms */
    @Nonbinding long confirmTimeoutMillis() default 0;

    /** @return whether a message no queue receives is an {@link io.warren.UnroutableException} */
    @Nonbinding boolean mandatory() default false;

    /**
     * @return whether a publish that fails for the connection, the channel, a nack or a missing
     *     confirm is tried again within {@link io.warren.RetryPolicy#DEFAULT} (Celery's: 3 retries
     *     at most 1 s apart), which turns confirms on; false (the default) for one try. For another
     *     policy, or to declare entities on publish, make the producer with
     *     {@link io.warren.ConnectionFactory#producer(io.warren.ProducerSettings)}
     */
    @Nonbinding boolean retry() default false;

    /**
     * @return the JNDI name of the connection factory; empty (the default) looks up, in order,
     *     {@code java:app/warren/ConnectionFactory}, {@code java:global/warren/ConnectionFactory},
     *     {@code java:/warren/ConnectionFactory} and {@code warren/ConnectionFactory}
     */
    @Nonbinding String connectionFactory() default "";
}
