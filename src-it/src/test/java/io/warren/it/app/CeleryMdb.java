package io.warren.it.app;

import io.warren.Message;
import io.warren.OutgoingMessage;
import io.warren.ReplyingListener;
import io.warren.celery.CeleryTasks;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/** Serves Celery tasks a Python Celery client sends to {@link Queues#CELERY_JAVA} (CeleryTest). */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Queues.CELERY_JAVA),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "1")})
public class CeleryMdb implements ReplyingListener {

    private final CeleryTasks tasks = CeleryTasks.builder()
            .task("java.multiply", task -> ((Number) task.arg(0)).longValue()
                    * ((Number) task.kwargs().getOrDefault("by", 2)).longValue())
            .task("java.refuse", task -> {
                throw new IllegalArgumentException("no such account: " + task.arg(0));
            })
            .build();

    @Override
    public OutgoingMessage onRequest(Message request) {
        return tasks.serve(request);
    }
}
