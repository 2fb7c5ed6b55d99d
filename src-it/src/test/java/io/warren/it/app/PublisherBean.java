package io.warren.it.app;

import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

/** An EJB with injected producers; each business method runs in its own container transaction. */
@Stateless
public class PublisherBean {

    @Resource
    SessionContext context;

    @Inject
    @PublishTo(routingKey = Queues.LOAD)
    Producer load;

    @Inject
    @PublishTo(routingKey = Queues.TX, confirmTimeoutMillis = 5000)
    Producer transactional;

    @Inject
    @PublishTo(routingKey = Queues.IN)
    Producer in;

    @Inject
    @PublishTo(routingKey = Queues.COUNTED, confirmTimeoutMillis = 10_000)
    Producer counted;

    public void publishLoad(String prefix, int count) {
        for (int i = 0; i < count; i++) {
            load.publish(prefix + ":" + i);
        }
    }

    /** As publishLoad, outside any transaction: each publish reaches the broker, or fails, at once. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void publishLoadWithoutTransaction(String prefix, int count) {
        publishLoad(prefix, count);
    }

    public void publishInTransaction(int count, boolean rollback) {
        for (int i = 0; i < count; i++) {
            transactional.publish("tx " + i);
        }
        if (rollback) {
            context.setRollbackOnly();
        }
    }

    public void publishToEcho(String text) {
        in.publish(text);
    }

    /** Outside a transaction, so that each publish waits for its confirm. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void publishCounted(int count) {
        for (int i = 0; i < count; i++) {
            counted.publish("counted " + i);
        }
    }
}
