package io.warren.rar.inbound.servers;

/**
 * The exceptions the servers throw out of a delivery, made as they make them: the same class
 * names (the adapter knows them by name too, not by type), messages, causes and, where the adapter
 * looks at it, the frame that threw. Shapes taken from WildFly's {@code ShutDownInterceptorFactory}
 * and GlassFish's {@code org.glassfish.ejb.mdb.MessageBeanContainer.deliverMessage} (Payara 6's, and GlassFish
 * 8.0.0's, whose bytecode throws the same exceptions with the same messages from the same method).
 */
public final class ServerExceptions {

    /** Payara 6's dispatch, as its log showed it. */
    private static final StackTraceElement[] PAYARA_DISPATCH = {
        new StackTraceElement("org.glassfish.ejb.mdb.MessageBeanContainer", "deliverMessage",
                "MessageBeanContainer.java", 1002),
        new StackTraceElement("org.glassfish.ejb.mdb.MessageBeanListenerImpl", "deliverMessage",
                "MessageBeanListenerImpl.java", 79),
        new StackTraceElement("com.sun.enterprise.connectors.inbound.MessageEndpointInvocationHandler", "invoke",
                "MessageEndpointInvocationHandler.java", 155),
        new StackTraceElement("com.sun.proxy.$Proxy412", "onMessage", null, -1)};

    /** GlassFish 8.0.0's: the same classes (line from its MessageBeanContainer), under a Java 25 proxy. */
    private static final StackTraceElement[] GLASSFISH8_DISPATCH = {
        new StackTraceElement("org.glassfish.ejb.mdb.MessageBeanContainer", "deliverMessage",
                "MessageBeanContainer.java", 1107),
        new StackTraceElement("org.glassfish.ejb.mdb.MessageBeanListenerImpl", "deliverMessage",
                "MessageBeanListenerImpl.java", 63),
        new StackTraceElement("com.sun.enterprise.connectors.inbound.MessageEndpointInvocationHandler", "invoke",
                "MessageEndpointInvocationHandler.java", 147),
        new StackTraceElement("jdk.proxy24.$Proxy311", "onMessage", null, -1)};

    private ServerExceptions() {
    }

    /** Named as {@code jakarta.ejb.EJBException}, whose API the adapter does not see. */
    public static class EJBException extends RuntimeException {
        public EJBException() {
        }

        public EJBException(String message) {
            super(message);
        }

        public EJBException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Named as {@code jakarta.ejb.EJBTransactionRolledbackException}: the bean's exception in a container transaction. */
    public static final class EJBTransactionRolledbackException extends EJBException {
        public EJBTransactionRolledbackException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Named as WildFly's {@code org.jboss.as.ejb3.component.EJBComponentUnavailableException}, an EJBException. */
    public static final class EJBComponentUnavailableException extends EJBException {
        public EJBComponentUnavailableException(String message) {
            super(message);
        }
    }

    /** Named as Open Liberty's {@code com.ibm.ejs.container.ContainerEJBException}, an EJBException. */
    public static class ContainerEJBException extends EJBException {
        public ContainerEJBException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Named as Open Liberty's {@code com.ibm.ejs.container.ContainerLocalException}. */
    public static class ContainerLocalException extends ContainerEJBException {
        public ContainerLocalException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Named as Open Liberty's {@code com.ibm.ejs.container.UnknownLocalException}, which wraps what an MDB
     * throws undeclared (CNTR0020E); its name does not say it is an EJBException, its superclasses do (read
     * from 25.0.0.12's com.ibm.ws.ejbcontainer jar).
     */
    public static final class UnknownLocalException extends ContainerLocalException {
        public UnknownLocalException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** WildFly while it stops the MDB: the bean did not run. */
    public static RuntimeException wildFlyStopping() {
        return new EJBComponentUnavailableException("WFLYEJB0421: Invocation cannot proceed as component is shutting down");
    }

    /** GlassFish or Payara with no invocation on the thread (the container closing): the bean did not run. */
    public static RuntimeException glassFishInvocationClosed() {
        return thrownByGlassFishDispatch(new EJBException("warren-it/OrderMdb: Message-driven bean invocation closed by container"));
    }

    /** GlassFish or Payara whose beforeMessageDelivery failed (the bean pool already closed): the bean did not run. */
    public static RuntimeException glassFishSetUpFailed() {
        EJBException failure = new EJBException();
        failure.initCause(new IllegalStateException("Pool closed"));
        return thrownByGlassFishDispatch(failure);
    }

    /** GlassFish or Payara with another component's invocation current on the thread: the bean did not run. */
    public static RuntimeException glassFishForeignInvocation() {
        return thrownByGlassFishDispatch(new ClassCastException("class org.glassfish.api.invocation.ComponentInvocation "
                + "cannot be cast to class com.sun.ejb.EjbInvocation (org.glassfish.api.invocation.ComponentInvocation "
                + "and com.sun.ejb.EjbInvocation are in unnamed module of loader 'OSGi' @1b9c1b51)"));
    }

    /** GlassFish or Payara wrapping the bean's unchecked exception: the bean ran. */
    public static RuntimeException glassFishBeanSystemException(RuntimeException bean) {
        EJBException failure = new EJBException("message-driven bean method public abstract void "
                + "io.warren.MessageListener.onMessage(io.warren.Message) system exception");
        failure.initCause(bean);
        return thrownByGlassFishDispatch(failure);
    }

    /** GlassFish or Payara wrapping anything else the bean's invocation threw: the bean ran. */
    public static RuntimeException glassFishDispatchError(Throwable thrown) {
        EJBException failure = new EJBException("message-bean container dispatch error");
        failure.initCause(thrown);
        return thrownByGlassFishDispatch(failure);
    }

    /** @return the exception as thrown by Payara's MessageBeanContainer.deliverMessage, under its endpoint proxy */
    public static <T extends Throwable> T thrownByGlassFishDispatch(T thrown) {
        thrown.setStackTrace(PAYARA_DISPATCH.clone());
        return thrown;
    }

    /** @return the exception as thrown by GlassFish 8's MessageBeanContainer.deliverMessage */
    public static <T extends Throwable> T thrownByGlassFish8Dispatch(T thrown) {
        thrown.setStackTrace(GLASSFISH8_DISPATCH.clone());
        return thrown;
    }

    /** @return the exception as thrown by the bean itself, which GlassFish and Payara pass on as it is */
    public static <T extends Throwable> T thrownByBean(T thrown) {
        StackTraceElement[] stack = new StackTraceElement[PAYARA_DISPATCH.length + 1];
        stack[0] = new StackTraceElement("com.example.orders.OrderMdb", "onMessage", "OrderMdb.java", 31);
        System.arraycopy(PAYARA_DISPATCH, 0, stack, 1, PAYARA_DISPATCH.length);
        thrown.setStackTrace(stack);
        return thrown;
    }
}
