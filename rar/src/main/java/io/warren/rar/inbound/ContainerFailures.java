package io.warren.rar.inbound;

import io.warren.DecodeException;
import jakarta.resource.spi.UnavailableException;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;

/**
 * What a failure out of a delivery means, and the one place that knows how each server says it.
 * The Jakarta specifications give a container no standard way to say "I did not run the MDB", so
 * the servers' own exceptions are recognised here, by name, to keep Warren free of their APIs:
 * <ul>
 *   <li>WildFly throws {@code org.jboss.as.ejb3.component.EJBComponentUnavailableException} from
 *       {@code onMessage} while it stops an MDB, without running the bean, and then commits the
 *       delivery's transaction;</li>
 *   <li>any container may throw the JCA {@link UnavailableException};</li>
 *   <li>EJB containers wrap the bean's exception in {@code EJBException} or
 *       {@code EJBTransactionRolledbackException}, proxies in {@link UndeclaredThrowableException}.</li>
 * </ul>
 * Payara, as tried, deactivates the endpoint before it stops the bean and so never turns a
 * delivery away this way.
 */
final class ContainerFailures {

    private static final String WILDFLY_UNAVAILABLE = "EJBComponentUnavailableException";

    private ContainerFailures() {
    }

    /** @return whether the container, not the MDB, threw: it did not run the MDB */
    static boolean isRefusal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnavailableException || cause.getClass().getSimpleName().equals(WILDFLY_UNAVAILABLE)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether the body could not be decoded: no later delivery can succeed */
    static boolean isDecodeFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof DecodeException) {
                return true;
            }
        }
        return false;
    }

    /** @return the failure without the container's wrappers, to name it in a dead letter's headers */
    static Throwable applicationCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && isWrapper(cause)) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static boolean isWrapper(Throwable failure) {
        String name = failure.getClass().getName();
        return name.endsWith("EJBException") || name.endsWith("EJBTransactionRolledbackException")
                || failure instanceof UndeclaredThrowableException
                || failure instanceof InvocationTargetException;
    }
}
