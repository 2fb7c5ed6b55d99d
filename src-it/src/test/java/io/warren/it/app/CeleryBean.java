package io.warren.it.app;

import io.warren.Producer;
import io.warren.celery.CeleryClient;
import io.warren.celery.CeleryTaskException;
import io.warren.celery.TaskCall;
import io.warren.cdi.PublishTo;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.time.Duration;

/** An EJB that sends tasks to the real Celery worker CeleryTest starts, and reads their results over rpc://. */
@Stateless
public class CeleryBean {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Inject
    @PublishTo
    Producer defaultExchange;

    /** Celery's {@code warren.add(x, y, scale=...)}: its result, or "raised " and Celery's exception. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public String add(int x, int y, int scale) {
        return run(TaskCall.of("warren.add").args(x, y).kwarg("scale", scale).queue(Queues.CELERY_WORKER).build());
    }

    /** Celery's {@code warren.fail(text)}, which raises ValueError(text). */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public String fail(String text) {
        return run(TaskCall.of("warren.fail").args(text).queue(Queues.CELERY_WORKER).build());
    }

    /** The same call inside the container's transaction (REQUIRED): refused, as any request there. */
    public String addInTransaction(int x, int y) {
        return run(TaskCall.of("warren.add").args(x, y).queue(Queues.CELERY_WORKER).build());
    }

    private String run(TaskCall call) {
        CeleryClient celery = CeleryClient.on(defaultExchange);
        try {
            return "result " + celery.callAndWait(call, TIMEOUT);
        } catch (CeleryTaskException raised) {
            return "raised " + raised.module() + "." + raised.type() + ": " + raised.taskMessage();
        }
    }
}
