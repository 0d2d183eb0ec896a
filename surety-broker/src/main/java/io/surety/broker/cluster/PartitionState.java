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
 */
public record PartitionState(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch,
        LeaderRecoveryState leaderRecoveryState) {

    public PartitionState {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        Objects.requireNonNull(leaderRecoveryState, "leaderRecoveryState");
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
                newLeaderEpoch, partitionEpoch + 1, change.leaderRecoveryState().orElse(leaderRecoveryState));
    }
}
