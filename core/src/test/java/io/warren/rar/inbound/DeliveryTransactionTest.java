package io.warren.rar.inbound;

import org.junit.jupiter.api.Test;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Warren's XAResource fallback as a transaction manager sees it: each call names a branch by its
 * Xid, and the delivery bound when the branch started is the one its outcome settles. No broker:
 * the outcome is recorded, not carried out.
 */
class DeliveryTransactionTest {

    private final DeliveryTransaction resource = new DeliveryTransaction();
    private final List<String> settled = new ArrayList<>();

    private DeliveryTransaction.Outcome delivery(String name) {
        return new DeliveryTransaction.Outcome() {
            @Override
            public void committed() {
                settled.add(name + " committed");
            }

            @Override
            public void rolledBack() {
                settled.add(name + " rolled back");
            }
        };
    }

    /** A transaction manager's Xid: compared by its parts, never by identity (nor by an equals it may lack). */
    private record TestXid(int format, String global, String branch) implements Xid {
        @Override
        public int getFormatId() {
            return format;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return global.getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public byte[] getBranchQualifier() {
            return branch.getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static Xid xid(String global) {
        return new TestXid(4711, global, "1");
    }

    private static int errorCode(XAException e) {
        return e.errorCode;
    }

    private Xid started(String name, String global) throws XAException {
        resource.bind(delivery(name));
        Xid xid = xid(global);
        resource.start(xid, XAResource.TMNOFLAGS);
        return xid;
    }

    @Test
    void aOnePhaseCommitSettlesTheDeliveryOfItsBranchOnce() throws Exception {
        Xid xid = started("a", "t1");
        resource.end(xid, XAResource.TMSUCCESS);
        resource.commit(xid(("t1")), true); // an equal Xid, not the same object
        assertEquals(List.of("a committed"), settled);
        XAException again = assertThrows(XAException.class, () -> resource.commit(xid, true));
        assertEquals(XAException.XAER_NOTA, errorCode(again), "the branch is over");
        assertEquals(List.of("a committed"), settled);
    }

    @Test
    void aCommitOrRollbackOfAnXidItDidNotStartIsRefusedAndSettlesNothing() throws Exception {
        Xid xid = started("a", "t1");
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAException.XAER_NOTA, errorCode(assertThrows(XAException.class,
                () -> resource.commit(xid("other"), true))));
        assertEquals(XAException.XAER_NOTA, errorCode(assertThrows(XAException.class,
                () -> resource.rollback(new TestXid(4711, "t1", "2")))), "another branch of the same transaction");
        assertEquals(XAException.XAER_NOTA, errorCode(assertThrows(XAException.class,
                () -> resource.prepare(new TestXid(1, "t1", "1")))), "another format");
        assertEquals(XAException.XAER_NOTA, errorCode(assertThrows(XAException.class,
                () -> resource.end(xid("other"), XAResource.TMSUCCESS))));
        assertEquals(List.of(), settled);
        resource.commit(xid, true);
        assertEquals(List.of("a committed"), settled);
    }

    @Test
    void aTwoPhaseCommitPreparesFirstAndSettlesAtTheCommit() throws Exception {
        Xid xid = started("a", "t1");
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, resource.prepare(xid));
        assertEquals(List.of(), settled, "prepared is not committed: nothing acked yet");
        resource.commit(xid, false);
        assertEquals(List.of("a committed"), settled);
    }

    @Test
    void commitsOutOfProtocolAreRefusedAndTheBranchCanStillRollBack() throws Exception {
        Xid xid = started("a", "t1");
        assertEquals(XAException.XAER_PROTO, errorCode(assertThrows(XAException.class, () -> resource.commit(xid, true))),
                "still associated: end first");
        resource.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAException.XAER_PROTO, errorCode(assertThrows(XAException.class, () -> resource.commit(xid, false))),
                "a two-phase commit of a branch never prepared");
        resource.prepare(xid);
        assertEquals(XAException.XAER_PROTO, errorCode(assertThrows(XAException.class, () -> resource.commit(xid, true))),
                "a one-phase commit of a prepared branch");
        assertEquals(List.of(), settled);
        resource.rollback(xid);
        assertEquals(List.of("a rolled back"), settled);
    }

    @Test
    void aBranchEndedWithTmFailRollsBackInsteadOfCommitting() throws Exception {
        Xid one = started("a", "t1");
        resource.end(one, XAResource.TMFAIL);
        assertEquals(XAException.XA_RBROLLBACK, errorCode(assertThrows(XAException.class, () -> resource.commit(one, true))));
        Xid two = started("b", "t2");
        resource.end(two, XAResource.TMFAIL);
        assertEquals(XAException.XA_RBROLLBACK, errorCode(assertThrows(XAException.class, () -> resource.prepare(two))));
        assertEquals(List.of("a rolled back", "b rolled back"), settled);
        assertEquals(XAException.XAER_NOTA, errorCode(assertThrows(XAException.class, () -> resource.rollback(two))),
                "a branch that rolled back is forgotten");
    }

    @Test
    void aStartOfAnXidUnderWayIsADuplicateAndAJoinNeedsAKnownXid() throws Exception {
        Xid xid = started("a", "t1");
        assertEquals(XAException.XAER_DUPID, errorCode(assertThrows(XAException.class,
                () -> resource.start(xid("t1"), XAResource.TMNOFLAGS))));
        assertEquals(XAException.XAER_NOTA, errorCode(assertThrows(XAException.class,
                () -> resource.start(xid("t2"), XAResource.TMJOIN))));
        resource.end(xid, XAResource.TMSUSPEND);
        resource.start(xid, XAResource.TMRESUME);
        resource.end(xid, XAResource.TMSUCCESS);
        resource.start(xid, XAResource.TMJOIN);
        resource.end(xid, XAResource.TMSUCCESS);
        resource.commit(xid, true);
        assertEquals(List.of("a committed"), settled);
    }

    /**
     * A branch outlives its delivery's binding: the reaper may roll it back after the consumer moved
     * on. The outcome reaches the delivery that started the branch, never the one bound now.
     */
    @Test
    void anOutcomeReachesTheDeliveryOfItsBranchNotTheOneBoundNow() throws Exception {
        Xid first = started("a", "t1");
        resource.bind(delivery("b"));
        resource.rollback(first);
        assertEquals(List.of("a rolled back"), settled);
        Xid second = xid("t2");
        resource.start(second, XAResource.TMNOFLAGS);
        resource.end(second, XAResource.TMSUCCESS);
        resource.commit(second, true);
        assertEquals(List.of("a rolled back", "b committed"), settled);
    }

    /** The delivery is over (afterDelivery returned): a branch the container never completed is forgotten. */
    @Test
    void aBranchLeftOpenWhenItsDeliveryEndsIsForgotten() throws Exception {
        Xid xid = started("a", "t1");
        resource.bind(null); // as the consumer does once afterDelivery returned
        resource.bind(delivery("b"));
        assertEquals(XAException.XAER_NOTA, errorCode(assertThrows(XAException.class, () -> resource.end(xid, XAResource.TMFAIL))));
        assertEquals(XAException.XAER_NOTA, errorCode(assertThrows(XAException.class, () -> resource.rollback(xid))));
        assertEquals(List.of(), settled, "neither a's delivery (given back already) nor b's");
    }

    @Test
    void isTheSameResourceManagerOnlyAsItself() throws Exception {
        assertTrue(resource.isSameRM(resource));
        assertFalse(resource.isSameRM(new DeliveryTransaction()),
                "another consumer's resource: a join there would leave that consumer's delivery unsettled");
        assertEquals(0, resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length,
                "nothing survives a crash here: the broker redelivers what was not acked");
        assertEquals(XAException.XAER_NOTA, errorCode(assertThrows(XAException.class, () -> resource.forget(xid("t1")))));
    }
}
