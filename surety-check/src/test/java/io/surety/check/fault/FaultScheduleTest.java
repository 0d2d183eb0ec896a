package io.surety.check.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.semantics.CrashPoint;
import io.surety.semantics.Guarantee;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {

    private static final List<Guarantee> ALL = List.of(Guarantee.values());

    @Test
    void shouldPlaceEveryFaultInsideTheTrafficInOrder() {
        FaultSchedule schedule = FaultSchedule.standard(Duration.ofSeconds(45), ALL);

        assertThat(schedule.faults()).isSortedAccordingTo((a, b) -> a.at().compareTo(b.at()));
        assertThat(schedule.faults()).allSatisfy(f -> assertThat(f.at()).isBetween(Duration.ZERO, Duration.ofSeconds(45)));
        assertThat(schedule.faults()).filteredOn(f -> f.fault() instanceof Fault.BrokerCrash).hasSize(2);
        assertThat(schedule.faults()).filteredOn(f -> f.fault() instanceof Fault.ProducerCrash).hasSize(3);
    }

    @Test
    void shouldCrashEachConsumerAtThePointThatDecidesItsGuarantee() {
        FaultSchedule schedule = FaultSchedule.standard(Duration.ofSeconds(45), ALL,
                EnumSet.of(FaultKind.CONSUMER_CRASH_AT_COMMIT));

        assertThat(schedule.faults()).extracting(FaultSchedule.Scheduled::fault).containsExactlyInAnyOrder(
                new Fault.ConsumerCrash(Guarantee.AT_MOST_ONCE, CrashPoint.AFTER_COMMIT_BEFORE_PROCESS),
                new Fault.ConsumerCrash(Guarantee.AT_LEAST_ONCE, CrashPoint.AFTER_PROCESS_BEFORE_COMMIT),
                new Fault.ConsumerCrash(Guarantee.EXACTLY_ONCE, CrashPoint.AFTER_PROCESS_BEFORE_COMMIT));
    }

    @Test
    void shouldKeepOnlyTheKindsAskedFor() {
        FaultSchedule schedule = FaultSchedule.standard(Duration.ofSeconds(20), List.of(Guarantee.AT_LEAST_ONCE),
                EnumSet.of(FaultKind.BLACK_HOLE, FaultKind.PRODUCER_CRASH));

        assertThat(schedule.faults()).extracting(f -> f.fault().name())
                .containsExactly("network black hole 3 s", "at-least-once producer kill -9");
        assertThat(FaultSchedule.standard(Duration.ofSeconds(20), ALL, EnumSet.noneOf(FaultKind.class)).faults()).isEmpty();
    }

    @Test
    void shouldScheduleEveryClusterFaultOnceWhenTheClusterDefaultsAreAsked() {
        FaultSchedule schedule = FaultSchedule.cluster(Duration.ofSeconds(120), ALL, FaultKind.defaults(3));

        assertThat(schedule.faults()).allSatisfy(f -> assertThat(f.at()).isBetween(Duration.ZERO, Duration.ofSeconds(120)));
        assertThat(schedule.faults()).extracting(FaultSchedule.Scheduled::fault).filteredOn(ClusterFault.class::isInstance)
                .extracting(f -> ((ClusterFault) f).kind())
                .containsExactlyInAnyOrder(FaultKind.CUT_LEADER_CRASH, FaultKind.LEADER_CRASH, FaultKind.CONTROLLER_CRASH,
                        FaultKind.REPLICATION_CUT, FaultKind.COORDINATOR_CRASH, FaultKind.FOLLOWER_CRASH,
                        FaultKind.LEADER_PAUSE, FaultKind.BROKER_ISOLATED);
        assertThat(schedule.faults().get(1).fault()).as("the acks=1 loss scenario first, on a fresh cluster")
                .isEqualTo(ClusterFault.of(FaultKind.CUT_LEADER_CRASH));
        assertThat(schedule.faults()).noneMatch(f -> f.fault() instanceof Fault.BrokerCrash);
    }

    @Test
    void shouldKeepTheSingleBrokerScheduleFreeOfClusterFaults() {
        assertThat(FaultKind.defaults(1)).noneMatch(FaultKind::clusterOnly).contains(FaultKind.BROKER_CRASH);
        assertThat(FaultSchedule.standard(Duration.ofSeconds(45), ALL, EnumSet.allOf(FaultKind.class)).faults())
                .isEqualTo(FaultSchedule.standard(Duration.ofSeconds(45), ALL).faults())
                .noneMatch(f -> f.fault() instanceof ClusterFault);
    }
}
