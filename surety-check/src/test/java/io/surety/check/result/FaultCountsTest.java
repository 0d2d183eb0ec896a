package io.surety.check.result;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultCountsTest {

    private static final List<FaultWindow> TWO_CYCLES = List.of(
            new FaultWindow("replication cut, then acks=1 leader kill -9 on node 2 [acks=1 partition 0 ISR [2, 3, 1]]",
                    1_000, 13_000),
            new FaultWindow("connection reset", 14_000, 14_000),
            new FaultWindow("partition leader kill -9 on node 3 [when hit: leaders p0 3]", 15_000, 25_000),
            new FaultWindow("at-least-once consumer crash after-process-before-commit", 26_000, 26_000),
            new FaultWindow("controller kill -9 on node 1 [when hit: controller 1]", 27_000, 31_000),
            new FaultWindow("group coordinator kill -9 on node 2 [when hit: coordinator 2]", 32_000, 41_000),
            new FaultWindow("partition follower kill -9 on node 1 [when hit: leaders p0 3]", 42_000, 48_000),
            new FaultWindow("partition leader SIGSTOP past its session on node 3 [when hit: leaders p0 3]", 49_000, 56_000),
            new FaultWindow("partition leader kill -9 on node 1 [when hit: leaders p0 1]", 90_000, 101_000),
            new FaultWindow("controller kill -9", 102_000, 102_500, FaultStatus.FAILED, "no another active controller"),
            new FaultWindow("group coordinator kill -9", 120_000, 120_000, FaultStatus.SKIPPED,
                    "the run ended before it was due"),
            new FaultWindow("network delay 300 ms for 3 s", 120_000, 120_000, FaultStatus.SKIPPED,
                    "the run ended before it was due"),
            new FaultWindow("a fault of another version", 60_000, 61_000));

    @Test
    void shouldCountInjectedFaultsByKindAndTheLeaderOrControllerKillsAmongThem() {
        FaultCounts counts = FaultCounts.of(TWO_CYCLES);

        assertThat(counts.injected()).isEqualTo(10);
        assertThat(counts.leaderOrControllerKills()).as("cut leader, 2 leaders, controller, coordinator").isEqualTo(5);
        assertThat(counts.failed()).isEqualTo(1);
        assertThat(counts.skipped()).isEqualTo(2);
        assertThat(counts.injectedByKind()).containsExactly(
                Map.entry("connection-reset", 1L),
                Map.entry("consumer-crash-at-commit", 1L),
                Map.entry("leader-crash", 2L),
                Map.entry("follower-crash", 1L),
                Map.entry("controller-crash", 1L),
                Map.entry("coordinator-crash", 1L),
                Map.entry("leader-pause", 1L),
                Map.entry("cut-leader-crash", 1L),
                Map.entry(FaultCounts.OTHER, 1L));
    }

    @Test
    void shouldCountNothingWhenNoFaultRan() {
        FaultCounts counts = new CheckSummary("t", "s", 0, true, null, List.of(), List.of(), null).faultCounts();

        assertThat(counts).isEqualTo(new FaultCounts(0, 0, 0, 0, Map.of()));
    }
}
