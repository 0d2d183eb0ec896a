package io.surety.check.fault;

import io.surety.check.checker.Acks1Scenario;
import io.surety.check.cluster.ClusterRoles.PartitionRoles;
import java.util.Map;
import java.util.Optional;

/**
 * A fault that only a cluster has: a node that leads something killed, frozen or cut off, or the
 * replication between nodes cut. Its victim is chosen when it strikes ({@link #aimed}), from what
 * the cluster says then, and its name in the history says which node it hit and who led what at
 * that moment: the fault timeline of the report is the record of who led what when each fault hit.
 *
 * @param kind      which cluster fault (one of the {@linkplain FaultKind#clusterOnly() cluster kinds})
 * @param victim    the node it hits, 0 before it is aimed (or for a fault on every node)
 * @param situation who led what when it was aimed, empty before
 */
public record ClusterFault(FaultKind kind, int victim, String situation) implements Fault {

    public ClusterFault {
        if (!kind.clusterOnly()) {
            throw new IllegalArgumentException(kind + " is not a cluster fault");
        }
    }

    /** The fault of {@code kind}, not yet aimed. */
    public static ClusterFault of(FaultKind kind) {
        return new ClusterFault(kind, 0, "");
    }

    @Override
    public String name() {
        String base = switch (kind) {
            case LEADER_CRASH -> "partition leader kill -9";
            case FOLLOWER_CRASH -> "partition follower kill -9";
            case CONTROLLER_CRASH -> "controller kill -9";
            case COORDINATOR_CRASH -> "group coordinator kill -9";
            case LEADER_PAUSE -> "partition leader SIGSTOP past its session";
            case REPLICATION_CUT -> "replication links cut 4 s";
            case BROKER_ISOLATED -> "node isolated 5 s";
            case CUT_LEADER_CRASH -> Acks1Scenario.FAULT_NAME;
            default -> throw new IllegalStateException(kind + " is not a cluster fault");
        };
        if (situation.isEmpty()) {
            return base;
        }
        return base + (victim > 0 ? " on node " + victim : "") + " [" + situation + "]";
    }

    @Override
    public Optional<String> inapplicable(FaultTargets targets) {
        return targets.nodes().isPresent() ? Optional.empty()
                : Optional.of("a cluster fault needs a cluster the check started (--brokers 3)");
    }

    @Override
    public Fault aimed(FaultTargets targets) {
        ClusterScope scope = targets.nodes().orElseThrow();
        String roles = "when hit: " + scope.roles().describe(scope.topic(), scope.group());
        return switch (kind) {
            case LEADER_CRASH, LEADER_PAUSE, BROKER_ISOLATED ->
                    new ClusterFault(kind, leaderOf(scope, scope.topic()), roles);
            case FOLLOWER_CRASH -> new ClusterFault(kind, followerOf(scope), roles);
            case CONTROLLER_CRASH -> new ClusterFault(kind, scope.roles().controller(), roles);
            case COORDINATOR_CRASH -> new ClusterFault(kind, scope.roles().coordinator(scope.group()), roles);
            case REPLICATION_CUT -> new ClusterFault(kind, 0, "every node; " + roles);
            case CUT_LEADER_CRASH -> cutLeaderCrash(scope);
            default -> throw new IllegalStateException(kind + " is not a cluster fault");
        };
    }

    @Override
    public void inject(FaultTargets targets) throws InterruptedException {
        if (situation.isEmpty()) {
            throw new IllegalStateException(name() + " was not aimed");
        }
        new ClusterStrikes(targets.nodes().orElseThrow()).strike(kind, victim);
    }

    /** A node restart cut short would leave it down for what follows. */
    @Override
    public boolean interruptible() {
        return kind == FaultKind.REPLICATION_CUT || kind == FaultKind.BROKER_ISOLATED;
    }

    private static int leaderOf(ClusterScope scope, String topic) {
        int leader = scope.roles().partitions(topic).get(0).leader();
        if (leader < 0) {
            throw new IllegalStateException("partition 0 of " + topic + " has no leader to hit");
        }
        return leader;
    }

    /** A replica of partition 0 that is not its leader, in the ISR if one is. */
    private static int followerOf(ClusterScope scope) {
        PartitionRoles roles = scope.roles().partitions(scope.topic()).get(0);
        return roles.replicas().stream().filter(id -> id != roles.leader())
                .sorted((a, b) -> Boolean.compare(roles.isr().contains(b), roles.isr().contains(a)))
                .findFirst().orElseThrow(() -> new IllegalStateException("partition 0 of " + scope.topic()
                        + " has no follower"));
    }

    /**
     * The acks=1 loss needs followers still in the ISR when the leader dies, so that one of them is
     * elected cleanly without the records only the leader had; the name says whether they were.
     */
    private static ClusterFault cutLeaderCrash(ClusterScope scope) {
        Map<Integer, PartitionRoles> partitions = scope.roles().partitions(scope.lossTopic());
        PartitionRoles roles = partitions.get(0);
        if (roles.leader() < 0) {
            throw new IllegalStateException("partition 0 of " + scope.lossTopic() + " has no leader to hit");
        }
        boolean reachable = roles.isr().stream().anyMatch(id -> id != roles.leader());
        return new ClusterFault(FaultKind.CUT_LEADER_CRASH, roles.leader(), "acks=1 partition 0 ISR " + roles.isr()
                + (reachable ? ": " + Acks1Scenario.REACHABLE : ": " + Acks1Scenario.UNREACHABLE)
                + "; when hit: " + scope.roles().describe(scope.topic(), scope.group()));
    }
}
