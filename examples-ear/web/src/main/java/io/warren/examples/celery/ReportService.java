package io.warren.examples.celery;

import io.warren.Producer;
import io.warren.celery.CeleryClient;
import io.warren.celery.TaskCall;
import io.warren.cdi.PublishTo;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * Calls the Python Celery task {@code reports.add} (examples-ear/celery/reports.py, run by a Celery
 * worker on the queue {@code reports}) and waits for its result over Celery's {@code rpc://} backend.
 */
@Stateless
public class ReportService {

    static final String QUEUE = "reports";

    @Inject
    @PublishTo
    Producer defaultExchange;

    /** Outside a transaction, as every call that waits for a reply must be. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public Object add(long x, long y) {
        return CeleryClient.on(defaultExchange)
                .callAndWait(TaskCall.of("reports.add").args(x, y).queue(QUEUE).build(), Duration.ofSeconds(30));
    }
}
