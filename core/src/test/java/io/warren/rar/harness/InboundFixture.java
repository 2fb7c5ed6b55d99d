package io.warren.rar.harness;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What most inbound tests set up, registered as an extension of each test
 * ({@code @RegisterExtension}): the broker checker, a harness with a pool of one, and a queue of
 * the test's own. After each test, passed or failed, the harness closes (undeploying what it
 * deployed) and the queue goes, with whatever else the test gave the checker to clean up.
 */
public final class InboundFixture implements AfterEachCallback {

    private final Broker broker = new Broker();
    private final Harness harness = new Harness(1);
    private final String queue;

    /** @param hint the middle of the queue's name, e.g. {@code reconnector} */
    public InboundFixture(String hint) {
        queue = broker.queueName(hint);
    }

    public Broker broker() {
        return broker;
    }

    public Harness harness() {
        return harness;
    }

    /** @return the test's queue, deleted after the test */
    public String queue() {
        return queue;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        harness.close();
        broker.close();
    }
}
