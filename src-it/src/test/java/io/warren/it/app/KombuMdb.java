package io.warren.it.app;

import io.warren.Message;
import io.warren.MessageListener;
import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Receives what a real kombu publishes to {@link Queues#KOMBU} and reports to {@link Queues#KOMBU_DONE} what
 * the MDB saw: each header's Java type and value, the decoded payload, whether it was a redelivery. The test
 * reads the report with the plain client, outside the server: the types must be judged where the MDB runs,
 * since writing the values out again would hide what they were. Publishes only when a kombu message arrives,
 * so that the factory's publish count MonitoringTest reads is left alone.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = Queues.KOMBU),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "1")})
public class KombuMdb implements MessageListener {

    @Inject
    @PublishTo(routingKey = Queues.KOMBU_DONE)
    Producer done;

    @Override
    public void onMessage(Message message) {
        Map<String, Object> headers = new TreeMap<>();
        message.headers().forEach((name, value) -> headers.put(name, Map.of(
                "type", value == null ? "null" : value.getClass().getName(),
                "value", String.valueOf(value))));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("messageId", message.messageId());
        report.put("contentType", message.contentType());
        report.put("redelivered", message.redelivered());
        report.put("headers", headers);
        report.put("payload", message.payload(Map.class));
        // the received headers go back as they are too: a Long is written as 'l', which the plain client reads
        done.publish(OutgoingMessage.of(report).headers(message.headers()).messageId(message.messageId()).build());
    }
}
