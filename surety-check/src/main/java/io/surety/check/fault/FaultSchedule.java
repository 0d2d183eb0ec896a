package io.surety.check.fault;

import io.surety.semantics.CrashPoint;
import io.surety.semantics.Guarantee;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * When each fault happens, as an offset from the start of the traffic. The default schedule
 * follows the smoke profile of the delivery-anomaly notes: two broker crashes, lost produce
 * responses, a connection reset, a black hole, a delay, a producer {@code kill -9} per guarantee,
 * and one consumer crash at each commit point that decides the guarantee — spread over the run
 * so that each fault meets traffic recovered from the one before.
 */
public record FaultSchedule(List<Scheduled> faults) {

    /**
     * A fault, when it starts and the time it is planned to take: a planned fault starts no earlier
     * than the one before it plus that one's budget. The budget is zero where the schedule does not
     * plan it (the single pass, whose faults sit at fractions of the traffic).
     */
    public record Scheduled(Duration at, Fault fault, Duration budget) {

        /** A fault with no budget planned. */
        public Scheduled(Duration at, Fault fault) {
            this(at, fault, Duration.ZERO);
        }
    }

    public FaultSchedule {
        faults = faults.stream().sorted(Comparator.comparing(Scheduled::at)).toList();
    }

    public static FaultSchedule none() {
        return new FaultSchedule(List.of());
    }

    /** The default schedule over {@code traffic} for the given guarantees: every kind of fault. */
    public static FaultSchedule standard(Duration traffic, List<Guarantee> guarantees) {
        return standard(traffic, guarantees, EnumSet.allOf(FaultKind.class));
    }

    /** The default schedule over {@code traffic}, keeping only the faults of the given kinds. */
    public static FaultSchedule standard(Duration traffic, List<Guarantee> guarantees, Set<FaultKind> kinds) {
        Plan plan = new Plan(traffic.toMillis(), kinds);
        plan.add(0.09, FaultKind.CONNECTION_RESET, new Fault.ConnectionReset());
        plan.add(0.15, FaultKind.LOST_ACKS, new Fault.LostProduceResponses(3));
        for (Guarantee guarantee : guarantees) {
            CrashPoint decisive = guarantee == Guarantee.AT_MOST_ONCE
                    ? CrashPoint.AFTER_COMMIT_BEFORE_PROCESS : CrashPoint.AFTER_PROCESS_BEFORE_COMMIT;
            plan.add(0.22, FaultKind.CONSUMER_CRASH_AT_COMMIT, new Fault.ConsumerCrash(guarantee, decisive));
        }
        plan.add(0.30, FaultKind.BROKER_CRASH, new Fault.BrokerCrash());
        plan.add(0.46, FaultKind.BLACK_HOLE, new Fault.BlackHole(Duration.ofSeconds(3)));
        double at = 0.58;
        for (Guarantee guarantee : guarantees) {
            plan.add(at, FaultKind.PRODUCER_CRASH, new Fault.ProducerCrash(guarantee));
            at += 0.02;
        }
        for (Guarantee guarantee : guarantees) {
            plan.add(0.68, FaultKind.CONSUMER_CRASH_MID_BATCH, new Fault.ConsumerCrash(guarantee, CrashPoint.MID_PROCESSING));
        }
        plan.add(0.75, FaultKind.BROKER_CRASH, new Fault.BrokerCrash());
        plan.add(0.87, FaultKind.DELAY, new Fault.Delay(Duration.ofMillis(300), Duration.ofSeconds(3)));
        return new FaultSchedule(plan.faults);
    }

    /**
     * The schedule of a cluster the check started, over {@code traffic}: the faults of the single
     * broker's schedule and every cluster fault, one after another. The acks=1 loss scenario comes
     * first, while the cluster is fresh; node kills alternate with network faults. A cluster fault
     * waits for the cluster to heal before it ends, so a fault may start later than planned; one still
     * due when the traffic ends is skipped, and the report says so.
     *
     * <p>A traffic of at least two {@linkplain #clusterCycle cycles} gets the {@linkplain #repeatedCluster
     * repeated schedule}, a shorter one a single pass with each fault at a fixed fraction of the traffic.
     */
    public static FaultSchedule cluster(Duration traffic, List<Guarantee> guarantees, Set<FaultKind> kinds) {
        return repeatsCluster(traffic, guarantees, kinds) ? repeatedCluster(traffic, guarantees, kinds)
                : clusterSinglePass(traffic, guarantees, kinds);
    }

    /** Whether {@link #cluster} repeats its cycle over {@code traffic}: it lasts two cycles or more. */
    public static boolean repeatsCluster(Duration traffic, List<Guarantee> guarantees, Set<FaultKind> kinds) {
        Duration cycle = clusterCycle(guarantees, kinds);
        return !cycle.isZero() && traffic.compareTo(cycle.multipliedBy(2)) >= 0;
    }

    /**
     * How long one cycle of the repeated cluster schedule lasts for these guarantees and kinds: the
     * time its faults are planned to take, one after another (zero when no kind is enabled).
     */
    public static Duration clusterCycle(List<Guarantee> guarantees, Set<FaultKind> kinds) {
        return ClusterCycle.length(guarantees, kinds);
    }

    /**
     * The cluster schedule of a long run: {@code traffic} divided into cycles of {@link #clusterCycle}
     * back to back, each carrying every enabled kind once, in the same order, each fault planned to
     * start when the one before it has had its budget; of a last, partial cycle, the faults that fit
     * whole in the traffic. The first cycle starts at once.
     */
    public static FaultSchedule repeatedCluster(Duration traffic, List<Guarantee> guarantees, Set<FaultKind> kinds) {
        List<ClusterCycle.Step> steps = ClusterCycle.steps(guarantees, kinds);
        List<Scheduled> faults = new ArrayList<>();
        if (steps.isEmpty()) {
            return new FaultSchedule(faults);
        }
        Duration at = Duration.ZERO;
        while (true) {
            for (ClusterCycle.Step step : steps) {
                if (at.plus(step.budget()).compareTo(traffic) > 0) {
                    return new FaultSchedule(faults);
                }
                faults.add(new Scheduled(at, step.fault(), step.budget()));
                at = at.plus(step.budget());
            }
        }
    }

    /** The single pass of a cluster schedule: each fault once, at a fraction of the traffic. */
    private static FaultSchedule clusterSinglePass(Duration traffic, List<Guarantee> guarantees, Set<FaultKind> kinds) {
        Plan plan = new Plan(traffic.toMillis(), kinds);
        plan.add(0.02, FaultKind.CONNECTION_RESET, new Fault.ConnectionReset());
        plan.add(0.04, FaultKind.CUT_LEADER_CRASH, ClusterFault.of(FaultKind.CUT_LEADER_CRASH));
        plan.add(0.12, FaultKind.LOST_ACKS, new Fault.LostProduceResponses(3));
        for (Guarantee guarantee : guarantees) {
            CrashPoint decisive = guarantee == Guarantee.AT_MOST_ONCE
                    ? CrashPoint.AFTER_COMMIT_BEFORE_PROCESS : CrashPoint.AFTER_PROCESS_BEFORE_COMMIT;
            plan.add(0.14, FaultKind.CONSUMER_CRASH_AT_COMMIT, new Fault.ConsumerCrash(guarantee, decisive));
        }
        plan.add(0.16, FaultKind.LEADER_CRASH, ClusterFault.of(FaultKind.LEADER_CRASH));
        plan.add(0.24, FaultKind.BLACK_HOLE, new Fault.BlackHole(Duration.ofSeconds(3)));
        plan.add(0.28, FaultKind.CONTROLLER_CRASH, ClusterFault.of(FaultKind.CONTROLLER_CRASH));
        plan.add(0.36, FaultKind.REPLICATION_CUT, ClusterFault.of(FaultKind.REPLICATION_CUT));
        plan.add(0.40, FaultKind.COORDINATOR_CRASH, ClusterFault.of(FaultKind.COORDINATOR_CRASH));
        double at = 0.48;
        for (Guarantee guarantee : guarantees) {
            plan.add(at, FaultKind.PRODUCER_CRASH, new Fault.ProducerCrash(guarantee));
            at += 0.01;
        }
        plan.add(0.52, FaultKind.FOLLOWER_CRASH, ClusterFault.of(FaultKind.FOLLOWER_CRASH));
        for (Guarantee guarantee : guarantees) {
            plan.add(0.58, FaultKind.CONSUMER_CRASH_MID_BATCH, new Fault.ConsumerCrash(guarantee, CrashPoint.MID_PROCESSING));
        }
        plan.add(0.60, FaultKind.LEADER_PAUSE, ClusterFault.of(FaultKind.LEADER_PAUSE));
        plan.add(0.68, FaultKind.BROKER_ISOLATED, ClusterFault.of(FaultKind.BROKER_ISOLATED));
        plan.add(0.74, FaultKind.BROKER_CRASH, new Fault.BrokerCrash());
        plan.add(0.80, FaultKind.DELAY, new Fault.Delay(Duration.ofMillis(300), Duration.ofSeconds(3)));
        return new FaultSchedule(plan.faults);
    }

    /** Faults placed at fractions of the traffic, of the kinds asked for. */
    private static final class Plan {
        private final long trafficMs;
        private final Set<FaultKind> kinds;
        private final List<Scheduled> faults = new ArrayList<>();

        Plan(long trafficMs, Set<FaultKind> kinds) {
            this.trafficMs = trafficMs;
            this.kinds = kinds;
        }

        void add(double fraction, FaultKind kind, Fault fault) {
            if (kinds.contains(kind)) {
                faults.add(new Scheduled(Duration.ofMillis(Math.round(trafficMs * fraction)), fault));
            }
        }
    }
}
