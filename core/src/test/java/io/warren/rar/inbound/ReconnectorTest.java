package io.warren.rar.inbound;

import com.rabbitmq.client.Channel;
import io.warren.rar.harness.Broker;
import io.warren.rar.harness.FreezingProxy;
import io.warren.rar.harness.Harness;
import io.warren.rar.harness.InboundFixture;
import io.warren.rar.harness.TestEndpointFactory;
import jakarta.resource.spi.work.Work;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An activation comes back whatever the container does with the reconnect Work meanwhile: until
 * it is deactivated, no release and no failure to schedule leaves it down for good.
 */
@ResourceLock(value = Broker.LOCK, mode = ResourceAccessMode.READ) // its own queue and connections only
class ReconnectorTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final InboundFixture fixture = new InboundFixture("reconnector");
    private final Broker broker = fixture.broker();
    private final Harness harness = fixture.harness();
    private final String queue = fixture.queue();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final TestEndpointFactory mdb = new TestEndpointFactory(false,
            message -> received.add(message.payload(String.class)));

    private WarrenActivationSpec spec() {
        WarrenActivationSpec spec = Harness.oneConsumer(queue);
        spec.setReconnectIntervalMillis("100");
        spec.setMaxReconnectIntervalMillis("200");
        return spec;
    }

    private void publish(String text) {
        broker.publishText(queue, text);
    }

    @Test
    void attemptsGoOnAfterTheContainerReleasesTheirWorkWhileTheyFail() throws Exception {
        try (Channel channel = broker.channel()) {
            channel.queueDeclare(queue, true, false, false, null);
        }
        publish("after the release");
        try (FreezingProxy proxy = new FreezingProxy()) {
            proxy.freeze(); // each attempt connects, and its handshake times out
            WarrenActivationSpec spec = spec();
            spec.setAddresses("127.0.0.1:" + proxy.port());
            spec.setConnectionTimeoutMillis(300);
            try (Harness.Deployment deployment = harness.deploy(spec, mdb)) {
                Broker.await("a second attempt to connect", WAIT, () -> proxy.accepted() >= 2);
                List<Work> released = harness.workManager().releaseRunning();
                assertEquals(1, released.size(), "the reconnect Work, alone under way");
                // the Work ends after an attempt that failed: the broker still does not answer. Only
                // then may it answer again, or the attempt under way at the release would connect
                Broker.await("the released Work ended", WAIT,
                        () -> released.stream().noneMatch(harness.workManager()::isRunning));
                proxy.thaw();
                Broker.await("the consumer back once the broker answers again", WAIT,
                        () -> deployment.consumers() == 1, () -> "consumers: " + deployment.consumers());
                Broker.await("the waiting message delivered", WAIT, () -> received.contains("after the release"));
            }
        }
    }

    /** Closes, on the broker, every connection whose name contains the text. @return how many */
    private static int closeOnTheBroker(String text) {
        List<String> pids = new ArrayList<>();
        for (String line : Broker.rabbitmqctl("list_connections", "pid", "client_properties").split("\n")) {
            if (line.startsWith("<") && line.contains(text)) {
                pids.add(line.substring(0, line.indexOf('>') + 1));
            }
        }
        pids.forEach(pid -> Broker.rabbitmqctl("close_connection", pid, "closed by ReconnectorTest"));
        return pids.size();
    }

    @Test
    void aReconnectWorkTheWorkManagerFailsToScheduleIsAskedForAgain() throws Exception {
        try (Harness.Deployment deployment = harness.deploy(spec(), mdb)) {
            Broker.await("the consumer", WAIT, () -> deployment.consumers() == 1);
            harness.workManager().failNext(1); // as a container may throw instead of refusing
            assertEquals(1, closeOnTheBroker(harness.connectionName() + " (inbound"));
            Broker.await("the reconnect Work failed to schedule", WAIT,
                    () -> harness.workManager().failed.get() == 1);
            Broker.await("the consumer back", WAIT, () -> deployment.consumers() == 1
                    && broker.consumerCount(queue) == 1, () -> "consumers: " + deployment.consumers());
            publish("after the failure");
            Broker.await("the message delivered", WAIT, () -> received.contains("after the failure"));
        }
    }
}
