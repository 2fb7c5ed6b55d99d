package io.warren.test;

import io.warren.Message;
import io.warren.MessageListener;
import io.warren.OutgoingMessage;
import io.warren.ReplyingListener;
import jakarta.ejb.ApplicationException;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What the EJB container does for one MDB class: an endpoint per consumer, each with a bean from
 * the test's supplier; with container-managed transactions (the default, REQUIRED) a transaction
 * per delivery, begun in beforeDelivery on the adapter's XAResource, committed in afterDelivery,
 * or rolled back when the bean threw a system exception. An {@code @ApplicationException} with
 * {@code rollback = false} commits, as in the server.
 */
final class MdbEndpointFactory<T> implements MessageEndpointFactory {

    private final Class<T> type;
    private final Supplier<? extends T> beans;
    private final Mdb<T> record;
    private final boolean transacted;
    private final AtomicLong xids = new AtomicLong();

    MdbEndpointFactory(Class<T> type, Supplier<? extends T> beans, Mdb<T> record) {
        this.type = type;
        this.beans = beans;
        this.record = record;
        this.transacted = containerTransactions(type);
    }

    private static boolean containerTransactions(Class<?> type) {
        TransactionManagement management = type.getAnnotation(TransactionManagement.class);
        if (management != null && management.value() == TransactionManagementType.BEAN) {
            return false;
        }
        TransactionAttribute attribute = type.getAnnotation(TransactionAttribute.class);
        try {
            String listenerMethod = ReplyingListener.class.isAssignableFrom(type) ? "onRequest" : "onMessage";
            TransactionAttribute onMessage = type.getMethod(listenerMethod, Message.class)
                    .getAnnotation(TransactionAttribute.class);
            attribute = onMessage != null ? onMessage : attribute;
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type.getName() + " has no onMessage(Message) nor onRequest(Message)", e);
        }
        return attribute == null || attribute.value() == TransactionAttributeType.REQUIRED;
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource resource) {
        T bean = record.created(beans.get());
        // as the container's proxy: it implements the one listener interface the MDB was deployed with
        return bean instanceof ReplyingListener replying ? new ReplyingEndpoint(replying, resource)
                : new ListeningEndpoint((MessageListener) bean, resource);
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource resource, long timeout) {
        return createEndpoint(resource);
    }

    @Override
    public boolean isDeliveryTransacted(Method method) {
        return transacted;
    }

    @Override
    public String getActivationName() {
        return type.getSimpleName();
    }

    @Override
    public Class<?> getEndpointClass() {
        return type;
    }

    private final class ListeningEndpoint extends Endpoint implements MessageListener {
        private final MessageListener bean;

        ListeningEndpoint(MessageListener bean, XAResource resource) {
            super(resource);
            this.bean = bean;
        }

        @Override
        public void onMessage(Message message) {
            deliver(message, () -> {
                bean.onMessage(message);
                return null;
            });
        }
    }

    private final class ReplyingEndpoint extends Endpoint implements ReplyingListener {
        private final ReplyingListener bean;

        ReplyingEndpoint(ReplyingListener bean, XAResource resource) {
            super(resource);
            this.bean = bean;
        }

        @Override
        public OutgoingMessage onRequest(Message message) {
            return deliver(message, () -> bean.onRequest(message));
        }
    }

    private abstract class Endpoint implements MessageEndpoint {
        private final XAResource resource;
        private Xid xid;
        private boolean rollbackOnly;

        Endpoint(XAResource resource) {
            this.resource = resource;
        }

        @Override
        public void beforeDelivery(Method method) {
            rollbackOnly = false;
            if (transacted && resource != null) {
                xid = new KitXid(xids.incrementAndGet());
                try {
                    resource.start(xid, XAResource.TMNOFLAGS);
                } catch (XAException e) {
                    throw new IllegalStateException("the adapter refused to begin the delivery's transaction", e);
                }
            }
        }

        <R> R deliver(Message message, Supplier<R> bean) {
            try {
                R result = bean.get();
                record.succeeded(message);
                return result;
            } catch (RuntimeException | Error e) {
                ApplicationException application = e.getClass().getAnnotation(ApplicationException.class);
                rollbackOnly = application == null || application.rollback();
                record.failed(message, e);
                throw e;
            }
        }

        @Override
        public void afterDelivery() {
            if (xid == null) {
                return;
            }
            try {
                resource.end(xid, rollbackOnly ? XAResource.TMFAIL : XAResource.TMSUCCESS);
                if (rollbackOnly) {
                    resource.rollback(xid);
                } else {
                    resource.commit(xid, true);
                }
            } catch (XAException e) {
                throw new IllegalStateException("the adapter failed to end the delivery's transaction", e);
            } finally {
                xid = null;
            }
        }

        @Override
        public void release() {
        }
    }

    private record KitXid(long id) implements Xid {
        @Override
        public int getFormatId() {
            return 0x5741;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return Long.toString(id).getBytes();
        }

        @Override
        public byte[] getBranchQualifier() {
            return new byte[] {1};
        }
    }
}
