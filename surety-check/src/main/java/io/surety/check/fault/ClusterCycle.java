package io.surety.check.fault;

import io.surety.semantics.CrashPoint;
import io.surety.semantics.Guarantee;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One cycle of a long run on a cluster the check started: every enabled kind of fault once, in a
 * fixed order, each with the time it is planned to take. A long run repeats the cycle, so the
 * faults it injects grow with its length.
 *
 * <p>The order puts a node kill (or a frozen, cut-off or isolated node) after each one or two quick
 * faults: the acks=1 loss scenario first, then a partition leader, the controller, the coordinator,
 * a follower, each separated by a connection reset, lost acks, consumer crashes, a black hole or
 * producer kills, and the network windows at the end.
 *
 * <p>Stateless.
 *
 * <p>Implementation notes: a step's budget is the time the fault took on the 2-core development
 * machine in single-pass {@code --brokers 3} runs (the longest of two), rounded up to the second: a
 * cluster fault ends only once the cluster is whole again, so its budget covers the failover, the
 * restart and the full ISR, and the next kill meets a healed cluster. A fault that overruns its
 * budget makes the next start late (the injector never overlaps two), and the faults run back to
 * back until the slack of the quick ones has taken the delay back: budgets at the measured times,
 * not above, keep the kills as dense as the cluster heals. The instantaneous faults get half a second to a second, so the plan never
 * puts two at the same instant.
 */
final class ClusterCycle {

    /** A fault of the cycle and the time it is planned to take. */
    record Step(FaultKind kind, Fault fault, Duration budget) {
    }

    private static final Duration INSTANT = Duration.ofMillis(500);

    private ClusterCycle() {
    }

    /** The steps of a cycle over the given guarantees, keeping only the given kinds. */
    static List<Step> steps(List<Guarantee> guarantees, Set<FaultKind> kinds) {
        List<Step> steps = new ArrayList<>();
        Steps add = (kind, fault, budget) -> {
            if (kinds.contains(kind)) {
                steps.add(new Step(kind, fault, budget));
            }
        };
        add.step(FaultKind.CUT_LEADER_CRASH, ClusterFault.of(FaultKind.CUT_LEADER_CRASH), Duration.ofSeconds(13));
        add.step(FaultKind.CONNECTION_RESET, new Fault.ConnectionReset(), Duration.ofSeconds(1));
        add.step(FaultKind.LEADER_CRASH, ClusterFault.of(FaultKind.LEADER_CRASH), Duration.ofSeconds(12));
        add.step(FaultKind.LOST_ACKS, new Fault.LostProduceResponses(3), Duration.ofSeconds(1));
        for (Guarantee guarantee : guarantees) {
            CrashPoint decisive = guarantee == Guarantee.AT_MOST_ONCE
                    ? CrashPoint.AFTER_COMMIT_BEFORE_PROCESS : CrashPoint.AFTER_PROCESS_BEFORE_COMMIT;
            add.step(FaultKind.CONSUMER_CRASH_AT_COMMIT, new Fault.ConsumerCrash(guarantee, decisive), INSTANT);
        }
        add.step(FaultKind.CONTROLLER_CRASH, ClusterFault.of(FaultKind.CONTROLLER_CRASH), Duration.ofSeconds(5));
        add.step(FaultKind.BLACK_HOLE, new Fault.BlackHole(Duration.ofSeconds(3)), Duration.ofSeconds(4));
        add.step(FaultKind.COORDINATOR_CRASH, ClusterFault.of(FaultKind.COORDINATOR_CRASH), Duration.ofSeconds(10));
        for (Guarantee guarantee : guarantees) {
            add.step(FaultKind.PRODUCER_CRASH, new Fault.ProducerCrash(guarantee), Duration.ofSeconds(1));
        }
        add.step(FaultKind.FOLLOWER_CRASH, ClusterFault.of(FaultKind.FOLLOWER_CRASH), Duration.ofSeconds(7));
        for (Guarantee guarantee : guarantees) {
            add.step(FaultKind.CONSUMER_CRASH_MID_BATCH, new Fault.ConsumerCrash(guarantee, CrashPoint.MID_PROCESSING),
                    INSTANT);
        }
        add.step(FaultKind.REPLICATION_CUT, ClusterFault.of(FaultKind.REPLICATION_CUT), Duration.ofSeconds(5));
        add.step(FaultKind.LEADER_PAUSE, ClusterFault.of(FaultKind.LEADER_PAUSE), Duration.ofSeconds(8));
        add.step(FaultKind.BROKER_ISOLATED, ClusterFault.of(FaultKind.BROKER_ISOLATED), Duration.ofSeconds(6));
        add.step(FaultKind.BROKER_CRASH, new Fault.BrokerCrash(), Duration.ofSeconds(15));
        add.step(FaultKind.DELAY, new Fault.Delay(Duration.ofMillis(300), Duration.ofSeconds(3)), Duration.ofSeconds(4));
        return steps;
    }

    /** How long a cycle lasts: the sum of its steps' budgets (zero when no kind is enabled). */
    static Duration length(List<Guarantee> guarantees, Set<FaultKind> kinds) {
        return steps(guarantees, kinds).stream().map(Step::budget).reduce(Duration.ZERO, Duration::plus);
    }

    @FunctionalInterface
    private interface Steps {
        void step(FaultKind kind, Fault fault, Duration budget);
    }
}
