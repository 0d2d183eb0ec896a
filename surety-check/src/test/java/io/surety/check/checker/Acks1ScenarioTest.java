package io.surety.check.checker;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
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
        GuaranteeResult row = Acks1Scenario.explain(row(12), List.of(ran(REACHED)), 0);

        assertThat(row.promise()).isEqualTo("may lose on leader failover; counted (12 lost on leader failovers; the "
                + "leader killed with replication cut reached the loss scenario)");
        assertThat(row.lost()).isEqualTo(12);
    }

    @Test
    void shouldSayReachedAndNoneLostWhenNothingWasLost() {
        assertThat(Acks1Scenario.explain(row(0), List.of(ran(REACHED)), 0).promise())
                .endsWith("(scenario reached (leader killed with followers in the ISR), none lost)");
    }

    @Test
    void shouldSayNotReachedWhenNoFollowerWasInTheIsr() {
        assertThat(Acks1Scenario.explain(row(0), List.of(ran(NOT_REACHED)), 0).promise())
                .endsWith("(scenario not reached: no follower was in the ISR when the leader was killed)");
    }

    @Test
    void shouldSayNotReachedWhenTheFaultDidNotRun() {
        assertThat(Acks1Scenario.explain(row(0), List.of(), 0).promise())
                .endsWith("(scenario not reached: the replication-cut leader kill did not run)");
        assertThat(Acks1Scenario.explain(row(0), List.of(new FaultWindow(Acks1Scenario.FAULT_NAME, 5, 5,
                FaultStatus.SKIPPED, "the run ended before it was due")), 0).promise())
                .endsWith("(scenario not reached: the replication-cut leader kill did not run (skipped: the run ended "
                        + "before it was due))");
    }

    @Test
    void shouldNameLostRecordsAcknowledgedAwayFromAnyLeaderFailover() {
        long second = 1_000_000_000L;
        List<HistoryEvent> history = List.of(
                new HistoryEvent(EventType.RUN_START, 0, null, "check", null, -1, -1, -1, "start", null),
                ack("p1", 0, 5 * second), // 5 s: 3 s before the leader kill at 8 s, replicated by then
                ack("p1", 1, 7 * second), // 7 s: within 2 s of the kill, may have been on the leader alone
                ack("p1", 2, 9 * second), // 9 s: during the kill's window
                ack("p1", 3, 20 * second), // 20 s: after every fault
                read("p1", 1), read("p1", 3));
        RunClock clock = RunClock.of(history);
        FaultWindow kill = ran("partition leader kill -9 on node 2 [when hit: leaders p0 2]", 8_000, 12_000);
        FaultWindow cut = ran("replication links cut 4 s [every node]", 0, 6_000);

        GuaranteeResult row = Acks1Scenario.explain(row(2), List.of(kill, cut), history, clock);

        assertThat(row.promise()).endsWith("(2 lost, 1 of them acknowledged away from any leader failover)");
        assertThat(Acks1Scenario.explain(row(2), List.of(kill, ran("node isolated 5 s on node 2", 4_000, 5_000)),
                history, clock).promise()).endsWith("(2 lost on leader failovers)");
    }

    @Test
    void shouldCountALossAtAFollowerKillOnALeaderFailoverBecauseTheNodeMayLeadAnAcksOnePartition() {
        long second = 1_000_000_000L;
        List<HistoryEvent> history = List.of(
                new HistoryEvent(EventType.RUN_START, 0, null, "check", null, -1, -1, -1, "start", null),
                ack("p1", 0, 10 * second), // acknowledged by node 1, leader of an acks=1 partition, as it is killed
                ack("p1", 1, 20 * second),
                read("p1", 1));
        RunClock clock = RunClock.of(history);
        FaultWindow followerKill = ran("partition follower kill -9 on node 1 [when hit: leaders p0 3, p1 1, p2 3]",
                10_000, 16_000);

        assertThat(Acks1Scenario.explain(row(1), List.of(followerKill), history, clock).promise())
                .endsWith("(1 lost on leader failovers)");
    }

    private static HistoryEvent ack(String producer, long seq, long nanos) {
        return new HistoryEvent(EventType.ACK, nanos, Guarantees.ACKS_1, producer, producer, seq, 0, seq, null, null);
    }

    private static HistoryEvent read(String producer, long seq) {
        return new HistoryEvent(EventType.LOG_READ, 30_000_000_000L, Guarantees.ACKS_1, "reader", producer, seq, 0, seq,
                null, null);
    }

    private static FaultWindow ran(String name, long startMs, long endMs) {
        return new FaultWindow(name, startMs, endMs, FaultStatus.RAN, null);
    }

    private static FaultWindow ran(String name) {
        return new FaultWindow(name, 1_000, 9_000, FaultStatus.RAN, null);
    }

    private static GuaranteeResult row(long lost) {
        return new GuaranteeResult(Guarantees.ACKS_1, Guarantees.promise(Guarantees.ACKS_1), 100, 100, 0, 100 - lost,
                lost, 0, 0, 0, 0, 0, 0, 0, Verdict.of(List.of()));
    }
}
