package io.warren.it.telemetry;

import io.warren.Message;
import io.warren.MessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;

/**
 * Takes each message; one with the header {@code fail} true throws, so that it is retried once
 * and then dead-lettered to {@code warren.it.telemetry.dead-letters}.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "queue", propertyValue = TelemetryMdb.QUEUE),
        @ActivationConfigProperty(propertyName = "maxDeliveries", propertyValue = "2"),
        @ActivationConfigProperty(propertyName = "concurrency", propertyValue = "1")})
public class TelemetryMdb implements MessageListener {

    public static final String QUEUE = "warren.it.telemetry";
    public static final String FAIL = "fail";

    @Override
    public void onMessage(Message message) {
        if (Boolean.TRUE.equals(message.header(FAIL))) {
            throw new IllegalStateException("told to fail");
        }
    }
}
