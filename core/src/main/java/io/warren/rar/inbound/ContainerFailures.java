package io.warren.rar.inbound;

import io.warren.DecodeException;
import io.warren.rar.inbound.servers.ContainerRefusals;
import io.warren.rar.inbound.servers.GlassFishRefusals;
import io.warren.rar.inbound.servers.JakartaRefusals;
import io.warren.rar.inbound.servers.WildFlyRefusals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;

/**
 * What a failure out of a delivery means. How each server says that it did not run the MDB is
 * the business of a strategy per server ({@link ContainerRefusals}: WildFly's, and GlassFish's, which
 * the Payaras derived from GlassFish share); they are combined here, the one place that knows which
 * servers Warren recognises. A server's refusal counts when it is the
 * failure itself or under the container's own wrappers only, never deeper in the MDB's cause chain.
 *
 * <p>Payara Server deactivates the endpoint before it stops the bean on an undeploy; Payara Micro,
 * as seen in the tests, may turn deliveries away while its JVM shuts down: counted as the MDB's
 * failures, one message's attempts went in milliseconds and it was dead-lettered.
 */
final class ContainerFailures {

    private static final List<ContainerRefusals> SERVERS =
            List.of(new JakartaRefusals(), new WildFlyRefusals(), new GlassFishRefusals());

    private ContainerFailures() {
    }

    /** @return whether the container, not the MDB, threw: it did not run the MDB */
    static boolean isRefusal(Throwable failure) {
        // Only through the container's and the proxies' wrappers: past the first exception of another
        // kind the chain is the MDB's own, and a refusal there is a dependency of the MDB (another
        // deployment, stopped) turning the MDB away, a failure of the MDB that must be counted.
        for (Throwable cause = failure; cause != null; cause = isWrapper(cause) ? cause.getCause() : null) {
            for (ContainerRefusals server : SERVERS) {
                if (server.refused(cause)) {
                    return true;
                }
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

    /**
     * EJB containers wrap the bean's exception in {@code EJBException} or
     * {@code EJBTransactionRolledbackException} or a subclass (known by name: Warren does not see the EJB
     * API; Open Liberty's {@code UnknownLocalException} is one only by its superclasses), proxies in
     * {@link UndeclaredThrowableException} or {@link InvocationTargetException}.
     */
    private static boolean isWrapper(Throwable failure) {
        if (failure instanceof UndeclaredThrowableException || failure instanceof InvocationTargetException) {
            return true;
        }
        for (Class<?> type = failure.getClass(); type != null; type = type.getSuperclass()) {
            String name = type.getName();
            if (name.endsWith("EJBException") || name.endsWith("EJBTransactionRolledbackException")) {
                return true;
            }
        }
        return false;
    }
}
