package io.warren.rar.harness;

import io.warren.BatchListener;
import io.warren.container.TestTransactions;
import io.warren.Message;
import io.warren.MessageListener;
import io.warren.OutgoingMessage;
import io.warren.ReplyingListener;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.transaction.Status;

import javax.transaction.xa.XAResource;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What an EJB container does for an MDB, small: endpoints that wrap the "bean" (a listener), and,
 * when delivery is transacted, a transaction per delivery ({@link TestTransactions}) begun in
 * beforeDelivery, with the adapter's XAResource enlisted when the adapter gave one to
 * createEndpoint, committed in afterDelivery or rolled back when the bean threw or marked it
 * rollback-only. {@link Harness#deploy} gives it the harness's transactions, whose registry the
 * adapter was started with. Two things real containers do are there to be switched on: turning
 * deliveries away while the MDB stops ({@link #stopping}) and application exceptions that keep
 * the transaction ({@link KeepsTransaction}).
 */
public final class TestEndpointFactory implements MessageEndpointFactory {

    private final MessageListener bean;
    /** The bean when it answers requests; then {@link #bean} is null. */
    private final ReplyingListener replyingBean;
    /** The bean when it takes batches; then {@link #bean} is null. */
    private final BatchListener batchBean;
    /** The sizes of the batches delivered, in order (a BatchListener bean's). */
    public final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final boolean transacted;
    private final ThreadLocal<Endpoint> current = new ThreadLocal<>();
    private volatile TestTransactions transactions = new TestTransactions();
    /** Endpoints the adapter asked for with an XAResource to enlist in each delivery's transaction. */
    public final AtomicInteger endpointsWithXaResource = new AtomicInteger();
    public final AtomicInteger endpointsCreated = new AtomicInteger();
    public final AtomicInteger endpointsReleased = new AtomicInteger();
    public final AtomicInteger beforeDeliveries = new AtomicInteger();
    public final AtomicInteger afterDeliveries = new AtomicInteger();
    public final AtomicInteger commits = new AtomicInteger();
    public final AtomicInteger rollbacks = new AtomicInteger();
    public final AtomicInteger turnedAway = new AtomicInteger();
    public final Set<String> deliveryThreads = ConcurrentHashMap.newKeySet();
    /**
     * As WildFly while it stops an MDB: onMessage throws {@link EJBComponentUnavailableException}
     * without running the bean, and the transaction begun in beforeDelivery still commits.
     */
    public volatile boolean stopping;
    /**
     * As Payara when a commit fails: afterDelivery logs it and returns normally, and the adapter's
     * resource hears neither commit nor rollback.
     */
    public volatile boolean losesOutcomes;
    /** What onMessage throws while {@link #stopping}: WildFly's exception unless a test sets another server's. */
    public volatile Supplier<RuntimeException> turnAwayWith = EJBComponentUnavailableException::new;
    /** A container that says delivery is transacted but begins no transaction in beforeDelivery. */
    public volatile boolean beginsNoTransaction;

    /** Named as WildFly's exception for an MDB that is stopping, which is what the adapter looks for. */
    public static final class EJBComponentUnavailableException extends RuntimeException {
        EJBComponentUnavailableException() {
            super("Invocation cannot proceed as component is shutting down");
        }
    }

    /**
     * What Payara's {@code MessageBeanContainer.deliverMessage} throws when its beforeMessageDelivery
     * could not set the delivery up and the bean did not run: made here with that method as the
     * frame that threw, which is what the adapter looks at.
     */
    public static RuntimeException payaraDispatchFailure(String kind) {
        RuntimeException failure = switch (kind) {
            case "invocation closed" -> new RuntimeException("warren-it/SlowMdb: Message-driven bean invocation closed by container");
            case "set-up failed" -> new RuntimeException(null, new IllegalStateException("the bean pool is closed"));
            case "foreign invocation" -> new ClassCastException("class org.glassfish.api.invocation.ComponentInvocation "
                    + "cannot be cast to class com.sun.ejb.EjbInvocation");
            default -> throw new IllegalArgumentException(kind);
        };
        failure.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("com.sun.ejb.containers.MessageBeanContainer", "deliverMessage", "MessageBeanContainer.java", 1),
                new StackTraceElement("org.glassfish.ejb.mdb.MessageBeanListenerImpl", "deliverMessage", "MessageBeanListenerImpl.java", 1)});
        return failure;
    }

    /** Thrown by a bean, it leaves the transaction to commit: an application exception with rollback=false. */
    public static final class KeepsTransaction extends RuntimeException {
        public KeepsTransaction(String message) {
            super(message);
        }
    }

    public TestEndpointFactory(boolean transacted, MessageListener bean) {
        this(transacted, bean, null, null);
    }

    private TestEndpointFactory(boolean transacted, MessageListener bean, ReplyingListener replyingBean,
                                BatchListener batchBean) {
        this.transacted = transacted;
        this.bean = bean;
        this.replyingBean = replyingBean;
        this.batchBean = batchBean;
    }

    /** An MDB that answers requests: its endpoints are {@link ReplyingListener}s, not {@link MessageListener}s. */
    public static TestEndpointFactory replying(boolean transacted, ReplyingListener bean) {
        return new TestEndpointFactory(transacted, null, bean, null);
    }

    /** An MDB that takes batches: its endpoints are {@link BatchListener}s, not {@link MessageListener}s. */
    public static TestEndpointFactory batches(boolean transacted, BatchListener bean) {
        return new TestEndpointFactory(transacted, null, null, bean);
    }

    /** Runs deliveries in these transactions: the harness's, whose registry the adapter has. */
    void useTransactions(TestTransactions transactions) {
        this.transactions = transactions;
    }

    /** @return the transactions deliveries run in; in onMessage, {@code current()} is the delivery's */
    public TestTransactions transactions() {
        return transactions;
    }

    /** As {@code MessageDrivenContext.setRollbackOnly()}: called by the bean during onMessage. */
    public void setRollbackOnly() {
        current.get().rollbackOnly = true;
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource resource) throws UnavailableException {
        return createEndpoint(resource, 0);
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource resource, long timeout) throws UnavailableException {
        endpointsCreated.incrementAndGet();
        if (resource != null) {
            endpointsWithXaResource.incrementAndGet();
        }
        if (batchBean != null) {
            return new BatchEndpoint(resource);
        }
        return replyingBean != null ? new ReplyingEndpoint(resource) : new TestEndpoint(resource);
    }

    @Override
    public boolean isDeliveryTransacted(Method method) {
        return transacted;
    }

    @Override
    public String getActivationName() {
        return "TestMDB";
    }

    @Override
    public Class<?> getEndpointClass() {
        if (batchBean != null) {
            return batchBean.getClass();
        }
        return bean != null ? bean.getClass() : replyingBean.getClass();
    }

    /** As the container's proxy for an MDB deployed as a {@link ReplyingListener}. */
    private final class ReplyingEndpoint extends Endpoint implements ReplyingListener {
        ReplyingEndpoint(XAResource resource) {
            super(resource);
        }

        @Override
        public OutgoingMessage onRequest(Message message) {
            OutgoingMessage[] answer = new OutgoingMessage[1];
            run(() -> answer[0] = replyingBean.onRequest(message));
            return answer[0];
        }
    }

    /** As the container's proxy for an MDB deployed as a {@link BatchListener}. */
    private final class BatchEndpoint extends Endpoint implements BatchListener {
        BatchEndpoint(XAResource resource) {
            super(resource);
        }

        @Override
        public void onMessages(List<Message> messages) {
            batchSizes.add(messages.size());
            run(() -> batchBean.onMessages(messages));
        }
    }

    private final class TestEndpoint extends Endpoint implements MessageListener {
        TestEndpoint(XAResource resource) {
            super(resource);
        }

        @Override
        public void onMessage(Message message) {
            run(() -> bean.onMessage(message));
        }
    }

    private abstract class Endpoint implements MessageEndpoint {
        private final XAResource resource;
        private TestTransactions.TestTransaction transaction;
        private boolean rollbackOnly;
        private boolean inDelivery;

        Endpoint(XAResource resource) {
            this.resource = resource;
        }

        @Override
        public void beforeDelivery(Method method) {
            if (inDelivery) {
                throw new IllegalStateException("beforeDelivery twice without afterDelivery");
            }
            inDelivery = true;
            beforeDeliveries.incrementAndGet();
            rollbackOnly = false;
            if (transacted && !beginsNoTransaction) {
                transaction = transactions.begin();
                if (resource != null) {
                    transaction.enlist(resource);
                }
            }
        }

        void run(Runnable work) {
            if (stopping) {
                turnedAway.incrementAndGet();
                throw turnAwayWith.get();
            }
            deliveryThreads.add(Thread.currentThread().getName());
            current.set(this);
            try {
                work.run();
            } catch (KeepsTransaction e) {
                throw e;
            } catch (RuntimeException e) {
                rollbackOnly = true;
                throw e;
            } finally {
                current.remove();
            }
        }

        @Override
        public void afterDelivery() {
            if (!inDelivery) {
                throw new IllegalStateException("afterDelivery without beforeDelivery");
            }
            inDelivery = false;
            afterDeliveries.incrementAndGet();
            if (transaction == null) {
                return;
            }
            if (losesOutcomes) {
                transactions.abandon(transaction);
                transaction = null;
                return;
            }
            try {
                if (rollbackOnly) {
                    transaction.setRollbackOnly();
                }
                transactions.complete(transaction);
                if (transaction.status() == Status.STATUS_COMMITTED) {
                    commits.incrementAndGet();
                } else {
                    rollbacks.incrementAndGet();
                }
            } finally {
                transaction = null;
            }
        }

        @Override
        public void release() {
            endpointsReleased.incrementAndGet();
        }
    }
}
