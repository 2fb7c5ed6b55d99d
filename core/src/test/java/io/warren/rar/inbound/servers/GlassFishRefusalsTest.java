package io.warren.rar.inbound.servers;

import io.warren.rar.inbound.servers.ServerExceptions.EJBException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlassFishRefusalsTest {

    private final GlassFishRefusals glassFish = new GlassFishRefusals();

    @Test
    void whatTheDispatchThrowsWhenItCouldNotSetTheDeliveryUpIsARefusal() {
        assertTrue(glassFish.refused(ServerExceptions.glassFishInvocationClosed()), "no invocation: no cause");
        assertTrue(glassFish.refused(ServerExceptions.glassFishSetUpFailed()), "beforeMessageDelivery failed: no message");
        assertTrue(glassFish.refused(ServerExceptions.glassFishForeignInvocation()), "another component's invocation");
    }

    /** GlassFish 8's MessageBeanContainer throws Payara's shapes from the same frame, under a Java 25 proxy. */
    @Test
    void glassFish8sDispatchIsToldApartAsPayarasIs() {
        EJBException closed = new EJBException("warren-it/OrderMdb: Message-driven bean invocation closed by container");
        assertTrue(glassFish.refused(ServerExceptions.thrownByGlassFish8Dispatch(closed)), "no invocation");
        EJBException setUp = new EJBException();
        setUp.initCause(new IllegalStateException("Pool closed"));
        assertTrue(glassFish.refused(ServerExceptions.thrownByGlassFish8Dispatch(setUp)), "set-up failed");
        assertTrue(glassFish.refused(ServerExceptions.thrownByGlassFish8Dispatch(
                new ClassCastException("ComponentInvocation cannot be cast to EjbInvocation"))), "foreign invocation");
        assertFalse(glassFish.refused(ServerExceptions.thrownByGlassFish8Dispatch(
                new EJBException("message-bean container dispatch error", new IllegalStateException("no stock")))),
                "the bean's failure, wrapped");
    }

    @Test
    void theBeansFailuresWrappedByTheDispatchAreNot() {
        assertFalse(glassFish.refused(ServerExceptions.glassFishBeanSystemException(new IllegalStateException("no stock"))));
        assertFalse(glassFish.refused(ServerExceptions.glassFishDispatchError(new NoSuchMethodException("onMessage"))));
    }

    @Test
    void whatTheBeanThrowsItselfIsNotEvenWithoutACauseOrMessage() {
        assertFalse(glassFish.refused(ServerExceptions.thrownByBean(new EJBException())));
        assertFalse(glassFish.refused(ServerExceptions.thrownByBean(new ClassCastException("Long cannot be cast to String"))));
        assertFalse(glassFish.refused(ServerExceptions.thrownByBean(new IllegalStateException("no stock"))));
    }

    @Test
    void theSameShapesThrownElsewhereAreNot() {
        EJBException elsewhere = new EJBException("Message-driven bean invocation closed by container");
        elsewhere.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("org.glassfish.ejb.mdb.MessageBeanContainer", "afterMessageDelivery",
                    "MessageBeanContainer.java", 1100)});
        assertFalse(glassFish.refused(elsewhere));
        assertFalse(glassFish.refused(new EJBException()), "thrown here, not by the container");
        EJBException noStack = new EJBException();
        noStack.setStackTrace(new StackTraceElement[0]);
        assertFalse(glassFish.refused(noStack));
    }

    @Test
    void anotherServersRefusalIsNotGlassFishs() {
        assertFalse(glassFish.refused(ServerExceptions.wildFlyStopping()));
    }
}
