package io.surety.check.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.semantics.CrashPoint;
import io.surety.semantics.Guarantee;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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

    @Test
    void shouldRepeatTheClusterCycleWithEveryKindInOrderAndNothingOverlappingWhenTheTrafficLastsThirtyMinutes() {
        Duration traffic = Duration.ofMinutes(30);
        Set<FaultKind> kinds = FaultKind.defaults(3);
        Duration cycle = FaultSchedule.clusterCycle(ALL, kinds);
        List<FaultSchedule.Scheduled> faults = FaultSchedule.cluster(traffic, ALL, kinds).faults();
        List<FaultSchedule.Scheduled> first = FaultSchedule.cluster(cycle.multipliedBy(2), ALL, kinds).faults()
                .stream().filter(f -> f.at().compareTo(cycle) < 0).toList();
        long cycles = traffic.toMillis() / cycle.toMillis();

        assertThat(cycle).as("a cycle longer than half the default run keeps that run a single pass")
                .isGreaterThan(Duration.ofSeconds(60)).isLessThan(Duration.ofSeconds(120));
        assertThat(cycles).isEqualTo(1800 / cycle.toSeconds()).isGreaterThanOrEqualTo(15);
        assertThat(first.stream().map(f -> kind(f.fault())).distinct()).containsExactlyInAnyOrderElementsOf(kinds);
        assertThat(first.get(0).fault()).as("the acks=1 loss scenario opens each cycle")
                .isEqualTo(ClusterFault.of(FaultKind.CUT_LEADER_CRASH));
        for (int c = 0; c < cycles; c++) {
            List<FaultSchedule.Scheduled> inCycle = faults.subList(c * first.size(), (c + 1) * first.size());
            Duration start = cycle.multipliedBy(c);
            assertThat(inCycle).as("cycle %d", c).extracting(FaultSchedule.Scheduled::fault)
                    .containsExactlyElementsOf(first.stream().map(FaultSchedule.Scheduled::fault).toList());
            assertThat(inCycle.get(0).at()).isEqualTo(start);
            assertThat(inCycle).allSatisfy(f -> assertThat(f.at()).isGreaterThanOrEqualTo(start).isLessThan(start.plus(cycle)));
        }
        assertThat(faults.size()).as("whole cycles, then what of one more fits").isBetween((int) cycles * first.size(),
                (int) (cycles + 1) * first.size() - 1);
        for (int i = 1; i < faults.size(); i++) {
            FaultSchedule.Scheduled before = faults.get(i - 1);
            assertThat(faults.get(i).at()).as("fault %d starts after fault %d has had its time", i, i - 1)
                    .isGreaterThanOrEqualTo(before.at().plus(before.budget()));
        }
        assertThat(faults).allSatisfy(f -> assertThat(f.budget()).isPositive());
        FaultSchedule.Scheduled last = faults.get(faults.size() - 1);
        assertThat(last.at().plus(last.budget())).isLessThanOrEqualTo(traffic);
        assertThat(faults.stream().filter(f -> kind(f.fault()).killsALeader()).count())
                .as("four leader or controller kills a cycle").isGreaterThanOrEqualTo(4 * cycles);
    }

    @Test
    void shouldKeepTheSinglePassWhenTheTrafficIsShorterThanTwoCycles() {
        Set<FaultKind> kinds = FaultKind.defaults(3);
        Duration cycle = FaultSchedule.clusterCycle(ALL, kinds);

        assertThat(FaultSchedule.repeatsCluster(Duration.ofSeconds(120), ALL, kinds)).isFalse();
        assertThat(FaultSchedule.repeatsCluster(cycle.multipliedBy(2).minusMillis(1), ALL, kinds)).isFalse();
        assertThat(FaultSchedule.repeatsCluster(cycle.multipliedBy(2), ALL, kinds)).isTrue();
        assertThat(FaultSchedule.cluster(Duration.ofSeconds(120), ALL, kinds).faults())
                .allSatisfy(f -> assertThat(f.budget()).isZero())
                .filteredOn(f -> f.fault() instanceof ClusterFault).hasSize(8);
        assertThat(FaultSchedule.cluster(cycle.multipliedBy(2), ALL, kinds).faults())
                .filteredOn(f -> f.fault() instanceof ClusterFault).hasSize(16);
    }

    @Test
    void shouldMakeTheCycleShorterWhenFewerKindsAreAsked() {
        Set<FaultKind> kills = EnumSet.of(FaultKind.LEADER_CRASH, FaultKind.CONTROLLER_CRASH);
        FaultSchedule schedule = FaultSchedule.cluster(Duration.ofMinutes(5), List.of(Guarantee.AT_LEAST_ONCE), kills);

        assertThat(FaultSchedule.clusterCycle(List.of(Guarantee.AT_LEAST_ONCE), kills)).isEqualTo(Duration.ofSeconds(17));
        assertThat(schedule.faults()).extracting(f -> kind(f.fault())).startsWith(FaultKind.LEADER_CRASH,
                FaultKind.CONTROLLER_CRASH, FaultKind.LEADER_CRASH, FaultKind.CONTROLLER_CRASH).hasSize(34);
        assertThat(FaultSchedule.clusterCycle(ALL, EnumSet.noneOf(FaultKind.class))).isZero();
        assertThat(FaultSchedule.cluster(Duration.ofMinutes(30), ALL, EnumSet.noneOf(FaultKind.class)).faults()).isEmpty();
    }

    private static FaultKind kind(Fault fault) {
        return FaultKind.ofFaultName(fault.name()).orElseThrow();
    }
}
