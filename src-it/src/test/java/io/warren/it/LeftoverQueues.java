package io.warren.it;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Deletes the {@code warren.it.*} queues, and the exchanges of those names Celery and the tests
 * declare, once every class of a server has run. A class cannot do it
 * itself: its MDBs are undeployed only after its own {@code @AfterAll}, and a queue deleted while
 * they run is declared again by their reconnect.
 */
public final class LeftoverQueues implements TestExecutionListener {

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        try (ItBroker broker = new ItBroker()) {
            broker.deleteQueuesStartingWith("warren.it.");
            broker.deleteExchangesStartingWith("warren.it.");
        } catch (Exception e) {
            System.out.println("Could not delete the warren.it.* queues and exchanges: " + e);
        }
    }
}
