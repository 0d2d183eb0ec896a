package io.surety.check.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.semantics.Guarantee;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultKindNamesTest {

    @Test
    void shouldFindTheKindOfEveryScheduledFaultByItsName() {
        FaultSchedule schedule = FaultSchedule.cluster(Duration.ofMinutes(10), List.of(Guarantee.values()),
                EnumSet.allOf(FaultKind.class));

        assertThat(schedule.faults()).extracting(f -> FaultKind.ofFaultName(f.fault().name()).orElseThrow())
                .containsAll(EnumSet.allOf(FaultKind.class));
    }

    @Test
    void shouldFindTheKindOfAnAimedFaultAndOfARecordedConsumerCrash() {
        String aimed = ClusterFault.of(FaultKind.LEADER_CRASH).name() + " on node 3 [when hit: leaders p0 3; controller 1]";

        assertThat(FaultKind.ofFaultName(aimed)).contains(FaultKind.LEADER_CRASH);
        assertThat(FaultKind.ofFaultName("replication cut, then acks=1 leader kill -9 on node 2 [acks=1 ...]"))
                .contains(FaultKind.CUT_LEADER_CRASH);
        assertThat(FaultKind.ofFaultName("replication links cut 4 s [every node]")).contains(FaultKind.REPLICATION_CUT);
        assertThat(FaultKind.ofFaultName("at-least-once consumer crash mid-processing"))
                .contains(FaultKind.CONSUMER_CRASH_MID_BATCH);
        assertThat(FaultKind.ofFaultName("at-most-once consumer crash after-commit-before-process"))
                .contains(FaultKind.CONSUMER_CRASH_AT_COMMIT);
        assertThat(FaultKind.ofFaultName("meteor strike")).isEmpty();
    }

    @Test
    void shouldCountOnlyKillsOfALeadingNodeAsLeaderOrControllerKills() {
        assertThat(EnumSet.allOf(FaultKind.class)).filteredOn(FaultKind::killsALeader).containsExactlyInAnyOrder(
                FaultKind.LEADER_CRASH, FaultKind.CUT_LEADER_CRASH, FaultKind.CONTROLLER_CRASH, FaultKind.COORDINATOR_CRASH);
    }
}
