package io.surety.broker.cluster;

import io.surety.broker.cluster.ClusterRecord.PartitionChange;
import java.util.List;
import java.util.Objects;

/**
 * One partition as the committed metadata describes it. Immutable.
 *
 * @param replicas the assignment in preferred order: the first is the preferred leader
 * @param isr the in-sync replicas, never empty
 * @param leader a member of {@code isr}, or {@link ClusterImage#NO_LEADER}
 * @param leaderEpoch raised by one on every leader change
 * @param partitionEpoch raised by one on every change
 * @param addingReplicas while a reassignment is in progress, the target replicas that were not
 *        replicas before it (they are in {@code replicas} and catch up as followers); else empty
 * @param removingReplicas while a reassignment is in progress, the replicas that are not in its
 *        target (dropped when it completes); else empty
 */
public record PartitionState(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch,
        LeaderRecoveryState leaderRecoveryState, List<Integer> addingReplicas, List<Integer> removingReplicas) {

    public PartitionState {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        Objects.requireNonNull(leaderRecoveryState, "leaderRecoveryState");
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    /** A partition with no reassignment in progress. */
    public PartitionState(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch,
            LeaderRecoveryState leaderRecoveryState) {
        this(replicas, isr, leader, leaderEpoch, partitionEpoch, leaderRecoveryState, List.of(), List.of());
    }

    /** Whether a reassignment is in progress: some replicas are being added or removed. */
    public boolean reassigning() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }

    /** The replicas once the reassignment in progress completes (all of them when there is none). */
    public List<Integer> targetReplicas() {
        return replicas.stream().filter(r -> !removingReplicas.contains(r)).toList();
    }

    /** The replicas as they were before the reassignment in progress (all of them when there is none). */
    public List<Integer> originalReplicas() {
        return replicas.stream().filter(r -> !addingReplicas.contains(r)).toList();
    }

    public boolean hasLeader() {
        return leader != ClusterImage.NO_LEADER;
    }

    /** The first replica of the assignment, which leads when it can. */
    public int preferredLeader() {
        return replicas.get(0);
    }

    /** This state with {@code change} applied, as replay applies it (Kafka's {@code PartitionRegistration.merge}). */
    public PartitionState apply(PartitionChange change) {
        int newLeader = change.leader().orElse(leader);
        int newLeaderEpoch = change.leader().isPresent() ? leaderEpoch + 1 : leaderEpoch;
        return new PartitionState(change.replicas().orElse(replicas), change.isr().orElse(isr), newLeader,
                newLeaderEpoch, partitionEpoch + 1, change.leaderRecoveryState().orElse(leaderRecoveryState),
                change.addingReplicas().orElse(addingReplicas), change.removingReplicas().orElse(removingReplicas));
    }
}
