package io.warren.rar.inbound;

import io.warren.DecodeException;
import io.warren.rar.inbound.servers.ServerExceptions;
import io.warren.rar.inbound.servers.ServerExceptions.EJBException;
import io.warren.rar.inbound.servers.ServerExceptions.EJBTransactionRolledbackException;
import jakarta.resource.spi.UnavailableException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The servers' strategies combined: each server's refusal is found, wrapped or not, and only those. */
class ContainerFailuresTest {

    @Test
    void eachServersRefusalIsOne() {
        assertTrue(ContainerFailures.isRefusal(new UnavailableException("MDB stopping")));
        assertTrue(ContainerFailures.isRefusal(ServerExceptions.wildFlyStopping()));
        assertTrue(ContainerFailures.isRefusal(ServerExceptions.glassFishInvocationClosed()));
        assertTrue(ContainerFailures.isRefusal(ServerExceptions.glassFishSetUpFailed()));
        assertTrue(ContainerFailures.isRefusal(ServerExceptions.glassFishForeignInvocation()));
    }

    @Test
    void aRefusalCountsUnderTheContainersWrappers() {
        assertTrue(ContainerFailures.isRefusal(new UndeclaredThrowableException(ServerExceptions.wildFlyStopping())));
        assertTrue(ContainerFailures.isRefusal(new EJBTransactionRolledbackException("rolled back",
                ServerExceptions.glassFishForeignInvocation())));
        assertTrue(ContainerFailures.isRefusal(new UndeclaredThrowableException(
                new EJBException("wrapped", new UnavailableException("MDB stopping")))));
    }

    @Test
    void aRefusalOfAnotherDeploymentTheMdbCalledIsTheMdbsFailure() {
        // the MDB called a bean of a stopped deployment and failed with what that one threw
        assertFalse(ContainerFailures.isRefusal(new IllegalStateException("inventory unavailable",
                ServerExceptions.wildFlyStopping())));
        assertFalse(ContainerFailures.isRefusal(new EJBException("wrapped", new IllegalStateException(
                "inventory unavailable", new UnavailableException("inventory stopping")))));
        assertFalse(ContainerFailures.isRefusal(new EJBTransactionRolledbackException("rolled back",
                new RuntimeException("order 17 failed", ServerExceptions.glassFishForeignInvocation()))));
    }

    @Test
    void theBeansFailuresAreNotRefusals() {
        assertFalse(ContainerFailures.isRefusal(new IllegalStateException("no stock")));
        assertFalse(ContainerFailures.isRefusal(ServerExceptions.glassFishBeanSystemException(
                new IllegalStateException("no stock"))));
        assertFalse(ContainerFailures.isRefusal(new EJBTransactionRolledbackException("rolled back",
                ServerExceptions.thrownByBean(new EJBException()))));
    }

    @Test
    void theApplicationCauseIsTheBeansExceptionWithoutTheContainersWrappers() {
        IllegalStateException bean = new IllegalStateException("no stock");
        assertSame(bean, ContainerFailures.applicationCause(bean));
        assertSame(bean, ContainerFailures.applicationCause(ServerExceptions.glassFishBeanSystemException(bean)));
        assertSame(bean, ContainerFailures.applicationCause(new UndeclaredThrowableException(
                new EJBTransactionRolledbackException("rolled back", new InvocationTargetException(bean)))));
        RuntimeException beanWithCause = new RuntimeException("order 17 failed", bean);
        assertSame(beanWithCause, ContainerFailures.applicationCause(new EJBException("wrapped", beanWithCause)),
                "the bean's own exception keeps its cause");
        EJBException alone = new EJBException("no cause");
        assertSame(alone, ContainerFailures.applicationCause(alone));
        // Open Liberty's wrapper, an EJBException by its superclasses only
        assertSame(bean, ContainerFailures.applicationCause(new ServerExceptions.UnknownLocalException(
                "EJB threw an unexpected (non-declared) exception", bean)));
    }

    @Test
    void aBodyThatCouldNotBeDecodedIsFoundThroughTheWrappers() {
        DecodeException decode = new DecodeException("not JSON", "application/json", null);
        assertTrue(ContainerFailures.isDecodeFailure(decode));
        assertTrue(ContainerFailures.isDecodeFailure(new EJBException("wrapped", decode)));
        assertFalse(ContainerFailures.isDecodeFailure(new IllegalStateException("no stock")));
    }
}
