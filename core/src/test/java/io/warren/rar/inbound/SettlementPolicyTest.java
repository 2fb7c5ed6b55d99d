package io.warren.rar.inbound;

import io.warren.DecodeException;
import io.warren.Message;
import io.warren.WarrenException;
import io.warren.rar.inbound.SettlementPolicy.Action;
import io.warren.rar.inbound.SettlementPolicy.Ending;
import jakarta.resource.spi.UnavailableException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each way a delivery can end, and what the one settlement policy makes of it; no broker needed. */
class SettlementPolicyTest {

    private static final int MAX = 5;
    private static final Set<String> ACCEPTED = Set.of("application/json");

    private static SettlementPolicy container() {
        return new SettlementPolicy(MAX, false, false, false);
    }

    private static SettlementPolicy manual() {
        return new SettlementPolicy(MAX, false, false, true);
    }

    private static SettlementPolicy stream() {
        return new SettlementPolicy(MAX, true, false, false);
    }

    private static SettlementPolicy delayed() {
        return new SettlementPolicy(MAX, false, true, false);
    }

    @Test
    void anAcceptedTypeWithinItsAttemptsIsDelivered() {
        assertInstanceOf(Action.Deliver.class, container().admit(null, "application/json", ACCEPTED, MAX));
    }

    @Test
    void aTypeNotAcceptedIsDeadLetteredAtOnceAsUndecodable() {
        Action.DeadLetter dead = assertInstanceOf(Action.DeadLetter.class,
                container().admit(null, "text/plain", ACCEPTED, 1));
        assertEquals("content type 'text/plain' is not accepted (accepted: [application/json])", dead.reason());
        assertTrue(dead.undecodable());
        assertEquals(1, dead.deliveries());
        assertNull(dead.failure());
    }

    @Test
    void aMessageBackAfterItsLastFailureIsDeadLetteredWithoutRunningTheMdb() {
        Action.DeadLetter dead = assertInstanceOf(Action.DeadLetter.class,
                container().admit(null, "application/json", ACCEPTED, MAX + 1));
        assertEquals("delivery failed 5 times (maxDeliveries=5)", dead.reason());
        assertEquals(MAX, dead.deliveries(), "the dead letter counts the failed deliveries, not this one");
        assertTrue(!dead.undecodable());
    }

    @Test
    void successIsAcked() {
        assertInstanceOf(Action.Ack.class, container().decide(new Ending.Returned(null, Message.Outcome.PENDING), 1));
    }

    @Test
    void aFailureBeforeTheLastAttemptIsRequeuedAndCounted() {
        IllegalStateException thrown = new IllegalStateException("boom");
        Action.Requeue requeue = assertInstanceOf(Action.Requeue.class,
                container().decide(new Ending.Returned(thrown, Message.Outcome.PENDING), 2));
        assertEquals(2, requeue.attempt());
        assertSame(thrown, requeue.reason());
    }

    @Test
    void aFailureWithARedeliveryDelayGoesThroughTheRetryQueue() {
        Action.Delay delay = assertInstanceOf(Action.Delay.class,
                delayed().decide(new Ending.Returned(new IllegalStateException("boom"), Message.Outcome.PENDING), 3));
        assertEquals(3, delay.attempt());
    }

    @Test
    void theLastFailureIsDeadLetteredWithTheApplicationsCause() {
        IllegalStateException cause = new IllegalStateException("boom");
        Action.DeadLetter dead = assertInstanceOf(Action.DeadLetter.class, delayed().decide(
                new Ending.Returned(new UndeclaredThrowableException(cause), Message.Outcome.PENDING), MAX));
        assertEquals("delivery failed 5 times (maxDeliveries=5)", dead.reason());
        assertSame(cause, dead.failure(), "the container's wrapper is not what the dead letter names");
        assertEquals(MAX, dead.deliveries());
    }

    @Test
    void aBodyThatCannotBeDecodedIsDeadLetteredAtTheFirstAttempt() {
        DecodeException undecodable = new DecodeException("bad json", "application/json", null);
        Action.DeadLetter dead = assertInstanceOf(Action.DeadLetter.class,
                container().decide(new Ending.Returned(undecodable, Message.Outcome.PENDING), 1));
        assertEquals("the body could not be decoded", dead.reason());
        assertTrue(dead.undecodable());
        assertEquals(1, dead.deliveries());
    }

    @Test
    void aStreamDeadLettersAFailureAtOnceAsItTakesNothingBack() {
        Action.DeadLetter dead = assertInstanceOf(Action.DeadLetter.class,
                stream().decide(new Ending.Returned(new IllegalStateException("boom"), Message.Outcome.PENDING), 1));
        assertEquals("its delivery failed, and a stream cannot take a message back", dead.reason());
    }

    @Test
    void aRefusalIsRequeuedUncountedOrReadAgainFromAStream() {
        Action.RequeueUncounted requeue = assertInstanceOf(Action.RequeueUncounted.class,
                container().decide(new Ending.Refused(), MAX));
        assertNull(requeue.cause());
        assertInstanceOf(Action.Rewind.class, stream().decide(new Ending.Refused(), 1));
    }

    @Test
    void aContainerThatThrowsItsRefusalDidNotRunTheMdbEvenAtTheLastAttempt() {
        UndeclaredThrowableException refusal = new UndeclaredThrowableException(new UnavailableException("stopping"));
        Action.RequeueUncounted requeue = assertInstanceOf(Action.RequeueUncounted.class,
                container().decide(new Ending.Returned(refusal, Message.Outcome.PENDING), MAX));
        assertSame(refusal, requeue.cause());
        // WildFly commits the transaction of a delivery it turned away
        assertInstanceOf(Action.RequeueUncounted.class, container().decide(new Ending.Committed(refusal, null), MAX));
    }

    @Test
    void aCommitAcksUnlessTheDeliveryThrew() {
        assertInstanceOf(Action.Ack.class, container().decide(new Ending.Committed(null, null), 1));
        assertInstanceOf(Action.Requeue.class,
                container().decide(new Ending.Committed(new IllegalStateException("rollback=false"), null), 1));
    }

    @Test
    void aRollbackIsAFailure() {
        Action.Requeue requeue = assertInstanceOf(Action.Requeue.class,
                container().decide(new Ending.RolledBack(null), 1));
        assertEquals("the MDB's transaction rolled back", requeue.reason().getMessage());
        IllegalStateException thrown = new IllegalStateException("boom");
        assertSame(thrown, assertInstanceOf(Action.Requeue.class,
                manual().decide(new Ending.RolledBack(thrown), 1)).reason());
        assertInstanceOf(Action.DeadLetter.class, container().decide(new Ending.RolledBack(null), MAX));
    }

    @Test
    void aTransactionWhoseOutcomeNeverCameIsNeverAcked() {
        Action.Requeue requeue = assertInstanceOf(Action.Requeue.class,
                container().decide(new Ending.OutcomeLost(null), 1));
        assertTrue(requeue.reason().getMessage().contains("without its outcome reaching Warren"));
    }

    @Test
    void inManualModeACommitAppliesWhatTheMdbAsked() {
        assertInstanceOf(Action.Ack.class, manual().decide(new Ending.Committed(null, Message.Outcome.ACKED), 1));
        assertEquals(Message.Outcome.REJECTED, assertInstanceOf(Action.AsAsked.class,
                manual().decide(new Ending.Committed(null, Message.Outcome.REJECTED), 1)).outcome());
        assertEquals(Message.Outcome.REQUEUED, assertInstanceOf(Action.AsAsked.class,
                manual().decide(new Ending.Committed(null, Message.Outcome.REQUEUED), 1)).outcome());
    }

    @Test
    void inManualModeAnMdbThatSettledNothingFailed() {
        Action.Requeue committed = assertInstanceOf(Action.Requeue.class,
                manual().decide(new Ending.Committed(null, null), 1));
        assertTrue(committed.reason().getMessage().startsWith("ackMode=manual"));
        Action.Requeue returned = assertInstanceOf(Action.Requeue.class,
                manual().decide(new Ending.Returned(null, Message.Outcome.PENDING), 1));
        assertTrue(returned.reason().getMessage().startsWith("ackMode=manual"));
    }

    @Test
    void inManualModeWhatTheMdbSettledItselfStandsEvenIfItThrewAfterwards() {
        assertInstanceOf(Action.Forget.class, manual().decide(new Ending.Returned(null, Message.Outcome.ACKED), 1));
        assertInstanceOf(Action.Forget.class,
                manual().decide(new Ending.Returned(new IllegalStateException("after ack"), Message.Outcome.ACKED), 1));
        assertInstanceOf(Action.Leave.class, manual().decide(new Ending.Returned(null, Message.Outcome.REQUEUED), 1));
        assertInstanceOf(Action.Leave.class, manual().decide(new Ending.Returned(null, Message.Outcome.REJECTED), 1));
    }

    @Test
    void anUnexpectedFailureGivesTheMessageBack() {
        assertInstanceOf(Action.GiveBack.class, container().decide(new Ending.Unexpected(), 1));
    }

    @Test
    void aStreamLetsTheMdbAckButNotRejectOrRequeue() {
        assertDoesNotThrow(() -> stream().checkListenerSettlement(Message.Outcome.ACKED));
        WarrenException refused = assertThrows(WarrenException.class,
                () -> stream().checkListenerSettlement(Message.Outcome.REQUEUED));
        assertTrue(refused.getMessage().startsWith("A stream cannot reject or requeue a message"));
        assertDoesNotThrow(() -> container().checkListenerSettlement(Message.Outcome.REJECTED));
    }

    @Test
    void aCommittedBatchIsAckedWholeAndARefusedOneRequeuedWholeUncounted() {
        assertInstanceOf(Action.Ack.class, container().decideBatch(new Ending.Committed(null, null)));
        assertInstanceOf(Action.Ack.class, container().decideBatch(new Ending.Returned(null, Message.Outcome.PENDING)));
        assertInstanceOf(Action.RequeueUncounted.class, container().decideBatch(new Ending.Refused()));
        assertInstanceOf(Action.GiveBack.class, container().decideBatch(new Ending.Unexpected()));
    }

    @Test
    void aFailedBatchSettlesNoneAndSinglesItsMessagesOutWhateverTheFailure() {
        SettlementPolicy once = new SettlementPolicy(1, false, false, false);
        assertInstanceOf(Action.SingleOut.class, container().decideBatch(new Ending.RolledBack(null)));
        assertInstanceOf(Action.SingleOut.class, container().decideBatch(new Ending.OutcomeLost(null)));
        assertInstanceOf(Action.SingleOut.class, delayed().decideBatch(
                new Ending.Returned(new IllegalStateException("boom"), Message.Outcome.PENDING)));
        assertInstanceOf(Action.SingleOut.class, container().decideBatch(
                new Ending.Returned(new DecodeException("whose body?", "application/json", null), Message.Outcome.PENDING)),
                "a decode failure in a batch does not say whose body it was");
        assertInstanceOf(Action.SingleOut.class, once.decideBatch(new Ending.RolledBack(null)),
                "with maxDeliveries=1 too: the batch's failure dead-letters nothing");
    }

    @Test
    void aMessageAloneAfterItsBatchFailedHasItsFailureCountedButNeverItsLastDeliveryUsedUp() {
        assertEquals(2, container().aloneAfterBatch(1));
        assertEquals(MAX, container().aloneAfterBatch(MAX));
        assertEquals(1, new SettlementPolicy(1, false, false, false).aloneAfterBatch(1));
    }
}
