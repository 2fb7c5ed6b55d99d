package io.warren.it.telemetry;

import io.warren.OutgoingMessage;
import io.warren.Producer;
import io.warren.cdi.PublishTo;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;

/** The EJB that publishes to {@link TelemetryMdb}: Warren's publish spans are made here. */
@Stateless
public class TelemetryPublisher {

    @Inject
    @PublishTo(routingKey = TelemetryMdb.QUEUE, confirmTimeoutMillis = 10_000)
    Producer producer;

    /** Outside a transaction, so that each publish is sent (and confirmed) before the call returns. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void publish(String prefix, int count, boolean failing) {
        for (int i = 0; i < count; i++) {
            producer.publish(OutgoingMessage.of(prefix + " " + i).messageId(prefix + "-" + i)
                    .header(TelemetryMdb.FAIL, failing).build());
        }
    }
}
