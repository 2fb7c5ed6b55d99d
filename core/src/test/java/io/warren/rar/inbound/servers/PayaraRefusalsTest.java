package io.warren.rar.inbound.servers;

import io.warren.rar.inbound.servers.ServerExceptions.EJBException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PayaraRefusalsTest {

    private final PayaraRefusals payara = new PayaraRefusals();

    @Test
    void whatTheDispatchThrowsWhenItCouldNotSetTheDeliveryUpIsARefusal() {
        assertTrue(payara.refused(ServerExceptions.payaraInvocationClosed()), "no invocation: no cause");
        assertTrue(payara.refused(ServerExceptions.payaraSetUpFailed()), "beforeMessageDelivery failed: no message");
        assertTrue(payara.refused(ServerExceptions.payaraForeignInvocation()), "another component's invocation");
    }

    @Test
    void theBeansFailuresWrappedByTheDispatchAreNot() {
        assertFalse(payara.refused(ServerExceptions.payaraBeanSystemException(new IllegalStateException("no stock"))));
        assertFalse(payara.refused(ServerExceptions.payaraDispatchError(new NoSuchMethodException("onMessage"))));
    }

    @Test
    void whatTheBeanThrowsItselfIsNotEvenWithoutACauseOrMessage() {
        assertFalse(payara.refused(ServerExceptions.thrownByBean(new EJBException())));
        assertFalse(payara.refused(ServerExceptions.thrownByBean(new ClassCastException("Long cannot be cast to String"))));
        assertFalse(payara.refused(ServerExceptions.thrownByBean(new IllegalStateException("no stock"))));
    }

    @Test
    void theSameShapesThrownElsewhereAreNot() {
        EJBException elsewhere = new EJBException("Message-driven bean invocation closed by container");
        elsewhere.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("org.glassfish.ejb.mdb.MessageBeanContainer", "afterMessageDelivery",
                    "MessageBeanContainer.java", 1100)});
        assertFalse(payara.refused(elsewhere));
        assertFalse(payara.refused(new EJBException()), "thrown here, not by the container");
        EJBException noStack = new EJBException();
        noStack.setStackTrace(new StackTraceElement[0]);
        assertFalse(payara.refused(noStack));
    }

    @Test
    void anotherServersRefusalIsNotPayaras() {
        assertFalse(payara.refused(ServerExceptions.wildFlyStopping()));
    }
}
