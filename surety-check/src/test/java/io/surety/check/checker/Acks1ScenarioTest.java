package io.surety.check.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.check.result.FaultStatus;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import io.surety.check.result.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The acks=1 row never shows a bare 0: its promise says whether the loss scenario was reached. */
class Acks1ScenarioTest {

    private static final String REACHED = Acks1Scenario.FAULT_NAME + " on node 2 [acks=1 partition 0 ISR [2, 1, 3]: "
            + Acks1Scenario.REACHABLE + "]";
    private static final String NOT_REACHED = Acks1Scenario.FAULT_NAME + " on node 2 [acks=1 partition 0 ISR [2]: "
            + Acks1Scenario.UNREACHABLE + "]";

    @Test
    void shouldCountTheLossWhenTheScenarioWasReached() {
        GuaranteeResult row = Acks1Scenario.explain(row(12), List.of(ran(REACHED)));

        assertThat(row.promise()).isEqualTo("may lose on leader failover; counted (12 lost on leader failovers; the "
                + "leader killed with replication cut reached the loss scenario)");
        assertThat(row.lost()).isEqualTo(12);
    }

    @Test
    void shouldSayReachedAndNoneLostWhenNothingWasLost() {
        assertThat(Acks1Scenario.explain(row(0), List.of(ran(REACHED))).promise())
                .endsWith("(scenario reached (leader killed with followers in the ISR), none lost)");
    }

    @Test
    void shouldSayNotReachedWhenNoFollowerWasInTheIsr() {
        assertThat(Acks1Scenario.explain(row(0), List.of(ran(NOT_REACHED))).promise())
                .endsWith("(scenario not reached: no follower was in the ISR when the leader was killed)");
    }

    @Test
    void shouldSayNotReachedWhenTheFaultDidNotRun() {
        assertThat(Acks1Scenario.explain(row(0), List.of()).promise())
                .endsWith("(scenario not reached: the replication-cut leader kill did not run)");
        assertThat(Acks1Scenario.explain(row(0), List.of(new FaultWindow(Acks1Scenario.FAULT_NAME, 5, 5,
                FaultStatus.SKIPPED, "the run ended before it was due"))).promise())
                .endsWith("(scenario not reached: the replication-cut leader kill did not run (skipped: the run ended "
                        + "before it was due))");
    }

    private static FaultWindow ran(String name) {
        return new FaultWindow(name, 1_000, 9_000, FaultStatus.RAN, null);
    }

    private static GuaranteeResult row(long lost) {
        return new GuaranteeResult(Guarantees.ACKS_1, Guarantees.promise(Guarantees.ACKS_1), 100, 100, 0, 100 - lost,
                lost, 0, 0, 0, 0, 0, 0, 0, Verdict.of(List.of()));
    }
}
