package io.surety.check.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.check.fault.ClusterFault;
import io.surety.check.fault.FaultKind;
import io.surety.check.fault.FaultSchedule;
import io.surety.check.result.CheckSummary;
import io.surety.check.result.FaultCounts;
import io.surety.check.result.FaultStatus;
import io.surety.check.result.FaultWindow;
import io.surety.check.result.GuaranteeResult;
import io.surety.semantics.Guarantee;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code surety check --brokers 3} on a run of two fault cycles and some slack: a 3-node Surety
 * cluster with every cluster fault, twice (a kill often takes longer than its plan, so the second
 * cycle may end late; the slack absorbs that, and faults of a third cycle it leaves no time for are
 * reported skipped). Surety must keep
 * at-least-once and exactly-once through leader, follower, controller and coordinator kills, a
 * frozen leader, cut replication and an isolated node, and the acks=1 row must show the loss its
 * promise allows, provoked by a leader killed while its followers were cut off but still in the ISR.
 */
class ClusterCheckIT {

    /** After the second cycle: more than the second cycle has been seen to end late (20 s). */
    private static final Duration SLACK = Duration.ofSeconds(40);

    @TempDir
    Path directory;

    @Test
    void shouldKeepAtLeastOnceAndCountTheAcksOneLossWhenEveryClusterFaultHits() throws Exception {
        long startNs = System.nanoTime();
        List<Guarantee> all = List.of(Guarantee.values());
        Duration cycle = FaultSchedule.clusterCycle(all, FaultKind.defaults(3));
        Duration traffic = cycle.multipliedBy(2).plus(SLACK);
        long plannedInAThirdCycle = FaultSchedule.cluster(traffic, all, FaultKind.defaults(3)).faults().stream()
                .filter(f -> f.at().compareTo(cycle.multipliedBy(2)) >= 0).count();
        CommandRun run = CommandRun.execute(directory, "--brokers", "3", "--duration", traffic.toSeconds() + "s");
        long wallS = (System.nanoTime() - startNs) / 1_000_000_000;
        CheckSummary summary = run.summary();
        System.out.printf("ClusterCheckIT: exit %d in %d s; %s%n", run.exitCode, wallS, summary.results());

        assertThat(run.exitCode).as(run.console).isZero();
        assertThat(summary.notRun()).as("every guarantee ran").isEmpty();
        GuaranteeResult exactlyOnce = run.result("exactly-once");
        assertThat(exactlyOnce.acknowledged()).isPositive();
        assertThat(exactlyOnce.lost()).isZero();
        assertThat(exactlyOnce.duplicated()).isZero();
        assertThat(exactlyOnce.logDuplicates()).isZero();
        assertThat(exactlyOnce.abortedReads()).isZero();
        assertThat(summary.faultsFailed()).as(run.console).isZero();

        GuaranteeResult atLeastOnce = run.result("at-least-once");
        assertThat(atLeastOnce.acknowledged()).isGreaterThan(1000);
        assertThat(atLeastOnce.lost()).as(run.console).isZero();
        assertThat(atLeastOnce.offsetsSkipped()).isZero();
        assertThat(run.result("at-most-once").duplicated()).isZero();
        assertThat(summary.results()).allSatisfy(result -> assertThat(result.phantoms()).isZero());

        List<String> ran = summary.faults().stream().filter(f -> f.status() == FaultStatus.RAN)
                .map(FaultWindow::name).toList();
        for (FaultKind kind : Arrays.stream(FaultKind.values()).filter(FaultKind::clusterOnly).toList()) {
            String name = ClusterFault.of(kind).name();
            assertThat(ran).as("a %s fault ran in each cycle", kind.label()).filteredOn(fault -> fault.startsWith(name + " "))
                    .hasSizeGreaterThanOrEqualTo(2);
        }
        FaultCounts counts = summary.faultCounts();
        assertThat(counts.skipped()).as("only faults of the third cycle may be skipped: %s", run.console)
                .isLessThanOrEqualTo(plannedInAThirdCycle);
        assertThat(counts.leaderOrControllerKills()).as("cut leader, leader, controller, coordinator, twice")
                .isGreaterThanOrEqualTo(8);
        assertThat(run.console).contains("faults: " + counts.injected() + " injected (" + counts.leaderOrControllerKills()
                + " leader or controller kills), 0 failed, " + counts.skipped() + " skipped")
                .contains("the cluster faults repeat in cycles of " + cycle.toSeconds() + " s");
        assertThat(ran).as("each cluster fault names who led what when it hit")
                .filteredOn(fault -> fault.startsWith(ClusterFault.of(FaultKind.CONTROLLER_CRASH).name()))
                .allMatch(fault -> fault.contains("controller") && fault.contains("coordinator")
                        && fault.contains("leaders"));

        GuaranteeResult acks1 = run.result("acks=1");
        assertThat(acks1.acknowledged()).isGreaterThan(1000);
        assertThat(acks1.lost()).as("acks=1 records lost on the failover from a cut-off leader: %s", acks1.promise())
                .isPositive();
        assertThat(acks1.promise()).contains("lost on leader failovers; the leader killed with replication cut reached the loss scenario");
        assertThat(acks1.verdict().passed()).isTrue();
        assertThat(run.console).contains("acks=1");
    }
}
