package io.warren.examples.celery;

import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.ReplyingListener;
import io.warren.celery.CeleryTasks;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

import java.util.logging.Logger;

/**
 * Serves the Celery task {@code billing.charge} on the queue {@code billing}: Python's
 * {@code app.send_task('billing.charge', args=['acme', 1250], queue='billing').get()} runs it and
 * gets what it returns (docs/interop.md). A negative amount raises in Python as a ValueError.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Billing.QUEUE)})
public class Billing implements ReplyingListener {

    static final String QUEUE = "billing";

    private static final Logger LOG = Logger.getLogger(Billing.class.getName());

    private final CeleryTasks tasks = CeleryTasks.builder().task("billing.charge", task -> {
        String account = (String) task.arg(0);
        long cents = ((Number) task.arg(1)).longValue();
        if (cents < 0) {
            throw new IllegalArgumentException("cannot charge a negative amount: " + cents);
        }
        LOG.info("Charged " + cents + " cents to " + account + " for Celery task " + task.id());
        return "charged " + cents + " cents to " + account;
    }).build();

    @Override
    public OutgoingMessage onRequest(Message request) {
        return tasks.serve(request);
    }
}
