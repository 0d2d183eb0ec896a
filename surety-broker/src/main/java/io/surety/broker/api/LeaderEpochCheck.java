package io.surety.broker.api;

import io.surety.broker.partition.Partition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Kafka's check of the current leader epoch a client sends with Fetch, ListOffsets and
 * OffsetForLeaderEpoch ({@code Partition.checkCurrentLeaderEpoch}): -1 means "no check"; an epoch
 * above the partition's is UNKNOWN_LEADER_EPOCH (the client knows of a leader this node has not
 * become yet), below it FENCED_LEADER_EPOCH (the client's metadata is stale: it refreshes and
 * retries).
 */
final class LeaderEpochCheck {

    private static final int NO_EPOCH_CHECK = -1;

    private LeaderEpochCheck() {
    }

    static Errors check(int currentLeaderEpoch, Partition partition) {
        int epoch = partition.leaderEpoch();
        if (currentLeaderEpoch == NO_EPOCH_CHECK || currentLeaderEpoch == epoch) {
            return Errors.NONE;
        }
        return currentLeaderEpoch > epoch ? Errors.UNKNOWN_LEADER_EPOCH : Errors.FENCED_LEADER_EPOCH;
    }
}
