package io.surety.check.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.check.checker.Acks1Scenario;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterFaultTest {

    /**
     * The kinds that can take a partition's leadership from the node that acknowledged acks=1 records
     * alone; a follower kill is one, since its victim follows the watched partition only and may lead
     * one of the acks=1 topic.
     */
    private static final Set<FaultKind> MOVE_LEADERS = EnumSet.of(FaultKind.CUT_LEADER_CRASH, FaultKind.LEADER_CRASH,
            FaultKind.CONTROLLER_CRASH, FaultKind.COORDINATOR_CRASH, FaultKind.FOLLOWER_CRASH, FaultKind.LEADER_PAUSE,
            FaultKind.BROKER_ISOLATED);

    @Test
    void shouldBeKnownToTheAcksOneCheckWhenItCanMoveALeader() {
        for (FaultKind kind : MOVE_LEADERS) {
            assertThat(Acks1Scenario.FAILOVERS).as(kind.label()).anyMatch(ClusterFault.of(kind).name()::startsWith);
        }
        assertThat(Acks1Scenario.FAILOVERS).anyMatch(new Fault.BrokerCrash().name()::startsWith);
        assertThat(ClusterFault.of(FaultKind.CUT_LEADER_CRASH).name()).isEqualTo(Acks1Scenario.FAULT_NAME);
        assertThat(Acks1Scenario.FAILOVERS).noneMatch(ClusterFault.of(FaultKind.REPLICATION_CUT).name()::startsWith);
    }

    @Test
    void shouldNameTheVictimAndTheRolesOnceAimed() {
        ClusterFault aimed = new ClusterFault(FaultKind.CONTROLLER_CRASH, 2, "when hit: leaders p0 1; controller 2");

        assertThat(aimed.name()).isEqualTo("controller kill -9 on node 2 [when hit: leaders p0 1; controller 2]");
    }

    @Test
    void shouldBeSkippedWithoutAClusterTheCheckStarted() {
        FaultTargets single = new FaultTargets(null, null, Map.of(), Map.of());

        assertThat(ClusterFault.of(FaultKind.LEADER_CRASH).inapplicable(single))
                .isEqualTo(Optional.of("a cluster fault needs a cluster the check started (--brokers 3)"));
        assertThatThrownBy(() -> ClusterFault.of(FaultKind.DELAY)).isInstanceOf(IllegalArgumentException.class);
    }
}
