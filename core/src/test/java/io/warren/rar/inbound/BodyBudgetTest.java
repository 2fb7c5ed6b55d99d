package io.warren.rar.inbound;

import io.warren.rar.metrics.ActivationMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The windows {@code maxHeldBytes} asks for, without a broker. */
class BodyBudgetTest {

    private static final int KIB = 1024;

    private final ActivationMetrics metrics = new ActivationMetrics("mdb", null, List.of("q"), 2, () -> 2);

    /** Two consumers of two queues: the budget is shared by four windows. */
    private BodyBudget budget(int maxHeldBytes) {
        return new BodyBudget(InboundSettings.parse(Map.of(ActivationProperty.QUEUES, "a,b",
                ActivationProperty.CONCURRENCY, "2", ActivationProperty.PREFETCH, "50",
                ActivationProperty.MAX_HELD_BYTES, String.valueOf(maxHeldBytes))), metrics);
    }

    @Test
    void theFirstWindowIsThePrefetchAndNothingChangesBeforeABodyIsSeen() {
        BodyBudget budget = budget(1024 * KIB);
        assertEquals(50, budget.startWindow());
        assertEquals(50, budget.windowFor(50));
    }

    @Test
    void overTheBudgetAWindowNarrowsToItsShareAndWidensOnlyOnceHalfIsLeft() {
        BodyBudget budget = budget(1024 * KIB); // 256 KiB a window
        for (int i = 0; i < 8; i++) {
            budget.hold(64 * KIB);
        }
        assertEquals(50, budget.windowFor(50), "512 KiB held: within the budget, nothing changes");
        for (int i = 0; i < 9; i++) {
            budget.hold(64 * KIB);
        }
        assertEquals(4, budget.windowFor(50), "over the budget: four 64 KiB bodies a window");
        assertEquals(4, budget.startWindow(), "a replacement starts narrowed");
        for (int i = 0; i < 8; i++) {
            budget.release(64 * KIB);
        }
        // smaller bodies: a wider window would fit, but 512 KiB is still more than half the budget
        for (int i = 0; i < 20; i++) {
            budget.hold(100);
            budget.release(100);
        }
        assertEquals(4, budget.windowFor(4));
        budget.release(64 * KIB);
        assertEquals(50, budget.windowFor(4), "at most half the budget held: back to the prefetch");
        assertEquals(8 * 64 * KIB, metrics.getHeldBytes());
        assertEquals(17 * 64 * KIB, metrics.getHeldBytesPeak());
    }

    @Test
    void oneBodyLargerThanAWindowsShareStillGetsAWindowOfOne() {
        BodyBudget budget = budget(1024 * KIB);
        budget.hold(4096 * KIB);
        assertEquals(1, budget.windowFor(50));
    }

    @Test
    void aWiderWindowMustBeHalfAsWideAgainOrTheFullPrefetch() {
        BodyBudget budget = budget(1024 * KIB);
        budget.hold(40 * KIB); // fits 6 a window
        budget.release(40 * KIB);
        assertEquals(5, budget.windowFor(5), "6 is not half as wide again as 5");
        assertEquals(6, budget.windowFor(4));
    }
}
