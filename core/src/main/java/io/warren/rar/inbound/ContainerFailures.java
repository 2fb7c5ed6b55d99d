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
 *   <li>Payara (its {@code MessageBeanContainer}) turns a delivery away from within its own
 *       {@code deliverMessage} when its {@code beforeMessageDelivery} could not set the delivery
 *       up (the bean pool or the transaction manager already gone, as in a Payara Micro whose JVM
 *       is shutting down): an exception thrown by that method itself, either without a cause
 *       ("invocation closed by container"), without a message (the set-up failure as its cause), or
 *       a {@link ClassCastException} (the thread's current invocation is not the MDB's). The bean's
 *       own exceptions come out of the same method with a message and the bean's exception as
 *       cause, and count as failures.</li>
 * </ul>
 * Payara Server deactivates the endpoint before it stops the bean on an undeploy; Payara Micro, as
 * seen in the tests, may turn deliveries away as above while its JVM shuts down: counted as the
 * MDB's failures, one message's attempts went in milliseconds and it was dead-lettered.
 */
final class ContainerFailures {

    private static final String WILDFLY_UNAVAILABLE = "EJBComponentUnavailableException";
    private static final String PAYARA_CONTAINER = ".MessageBeanContainer";
    private static final String PAYARA_DISPATCH = "deliverMessage";

    private ContainerFailures() {
    }

    /** @return whether the container, not the MDB, threw: it did not run the MDB */
    static boolean isRefusal(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnavailableException || cause.getClass().getSimpleName().equals(WILDFLY_UNAVAILABLE)
                    || isPayaraDispatchFailure(cause)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPayaraDispatchFailure(Throwable failure) {
        StackTraceElement[] stack = failure.getStackTrace();
        if (stack.length == 0 || !stack[0].getClassName().endsWith(PAYARA_CONTAINER)
                || !stack[0].getMethodName().equals(PAYARA_DISPATCH)) {
            return false;
        }
        return failure instanceof ClassCastException || failure.getCause() == null || failure.getMessage() == null;
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
