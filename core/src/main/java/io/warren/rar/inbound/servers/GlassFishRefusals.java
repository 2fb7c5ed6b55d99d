package io.warren.rar.inbound.servers;

/**
 * GlassFish's {@code org.glassfish.ejb.mdb.MessageBeanContainer}, in GlassFish 8 as in Payara 6
 * (which derives from GlassFish and keeps the class, its package and its shapes), turns a delivery
 * away from within its own {@code deliverMessage} when its {@code beforeMessageDelivery} could not
 * set the delivery up (the bean pool or the transaction manager already gone, as in a Payara Micro
 * whose JVM is shutting down). Its exceptions all say {@code EJBException}, whether the bean ran or
 * not, so the shape tells them apart: thrown by {@code deliverMessage} itself, a refusal is
 * <ul>
 *   <li>an {@code EJBException} without a cause, "...: Message-driven bean invocation closed by
 *       container", when there is no invocation;</li>
 *   <li>an {@code EJBException} without a message, the set-up failure as its cause;</li>
 *   <li>a {@link ClassCastException}, "ComponentInvocation cannot be cast to EjbInvocation", when
 *       the thread's current invocation is not the MDB's.</li>
 * </ul>
 * The bean's own failures come out of the same method with a message and the bean's exception as
 * cause ("message-driven bean method ... system exception", "message-bean container dispatch
 * error"), or as the bean threw them, from the bean's frames: the MDB ran, and they count as its
 * failures. (Checked against GlassFish 8.0.0's class; Payara 6.2025.9's throws the same.)
 */
public final class GlassFishRefusals implements ContainerRefusals {

    /** GlassFish's and Payara's {@code org.glassfish.ejb.mdb.MessageBeanContainer}, in another package before. */
    private static final String CONTAINER = ".MessageBeanContainer";
    private static final String DISPATCH = "deliverMessage";

    @Override
    public boolean refused(Throwable thrown) {
        return thrownByDispatch(thrown)
                && (thrown instanceof ClassCastException || thrown.getCause() == null || thrown.getMessage() == null);
    }

    private static boolean thrownByDispatch(Throwable thrown) {
        StackTraceElement[] stack = thrown.getStackTrace();
        return stack.length > 0 && stack[0].getClassName().endsWith(CONTAINER)
                && stack[0].getMethodName().equals(DISPATCH);
    }
}
