package io.surety.broker.partition;

/**
 * What this node is for a partition: its leader, a follower of another broker, or neither because
 * no leader is elected (Kafka's "offline partition"; not to be confused with a partition taken
 * offline by a storage error, {@link Partition#offlineReason()}). Each carries the leader epoch
 * the partition is in.
 *
 * <p>Thread-safety: {@link Partition} publishes the current role in a volatile field and replaces
 * it under its lock. {@link Follower} and {@link NoLeader} are immutable; a {@link Leader}'s
 * {@link LeaderState} is mutable and guarded by the partition lock.
 */
public sealed interface PartitionRole permits PartitionRole.Leader, PartitionRole.Follower, PartitionRole.NoLeader {

    int leaderEpoch();

    /** This node leads; {@code state} holds the ISR and the followers' progress. */
    record Leader(LeaderState state) implements PartitionRole {
        @Override
        public int leaderEpoch() {
            return state.leaderEpoch();
        }
    }

    /** Broker {@code leaderId} leads in {@code leaderEpoch}; this node copies its log. */
    record Follower(int leaderId, int leaderEpoch) implements PartitionRole {
    }

    /** No leader is elected in {@code leaderEpoch}; nothing is appended or served. */
    record NoLeader(int leaderEpoch) implements PartitionRole {
    }
}
