package io.surety.broker.partition;

import io.surety.broker.log.LeaderEpochCache;
import io.surety.broker.log.LeaderEpochCache.EpochEndOffset;
import io.surety.broker.log.Log;
import org.apache.kafka.common.protocol.Errors;

/**
 * The leader's checks of a follower's fetch before it reads, in Kafka's order
 * ({@code Partition.fetchRecords}, {@code readRecords}):
 * <ol>
 * <li>the fetcher's current leader epoch (-1: no check): above ours UNKNOWN_LEADER_EPOCH (we have
 *     not caught up with the metadata), below FENCED_LEADER_EPOCH (it has not);</li>
 * <li>this node must lead (NOT_LEADER_OR_FOLLOWER) and the fetcher be an assigned replica
 *     (UNKNOWN_LEADER_EPOCH when it named an epoch, else NOT_LEADER_OR_FOLLOWER);</li>
 * <li>with a last fetched epoch: our largest epoch at or below it and where that ends; none
 *     known, or a fetch offset below the log start, is OFFSET_OUT_OF_RANGE; a smaller epoch, or
 *     an end below the fetch offset, is where the logs diverge;</li>
 * <li>a fetch offset outside [log start, log end] is OFFSET_OUT_OF_RANGE.</li>
 * </ol>
 * Stateless; called under the partition lock.
 */
final class ReplicaFetchRules {

    private static final int NO_EPOCH = -1;

    private ReplicaFetchRules() {
    }

    static ReplicaFetchCheck check(PartitionRole role, Log log, boolean offline, int replicaId, int currentLeaderEpoch,
            int lastFetchedEpoch, long fetchOffset) {
        if (offline) {
            return new ReplicaFetchCheck.Refused(Errors.KAFKA_STORAGE_ERROR);
        }
        if (currentLeaderEpoch != NO_EPOCH && currentLeaderEpoch != role.leaderEpoch()) {
            return new ReplicaFetchCheck.Refused(currentLeaderEpoch > role.leaderEpoch()
                    ? Errors.UNKNOWN_LEADER_EPOCH : Errors.FENCED_LEADER_EPOCH);
        }
        if (!(role instanceof PartitionRole.Leader leader)) {
            return new ReplicaFetchCheck.Refused(Errors.NOT_LEADER_OR_FOLLOWER);
        }
        if (leader.state().follower(replicaId) == null) {
            return new ReplicaFetchCheck.Refused(currentLeaderEpoch != NO_EPOCH
                    ? Errors.UNKNOWN_LEADER_EPOCH : Errors.NOT_LEADER_OR_FOLLOWER);
        }
        long logStart = log.logStartOffset();
        if (lastFetchedEpoch != NO_EPOCH) {
            EpochEndOffset ours = log.endOffsetForEpoch(lastFetchedEpoch);
            if (ours.endOffset() == LeaderEpochCache.UNDEFINED_OFFSET || ours.epoch() == LeaderEpochCache.UNDEFINED_EPOCH
                    || fetchOffset < logStart) {
                return new ReplicaFetchCheck.Refused(Errors.OFFSET_OUT_OF_RANGE);
            }
            if (ours.epoch() < lastFetchedEpoch || ours.endOffset() < fetchOffset) {
                return new ReplicaFetchCheck.Diverging(ours.epoch(), ours.endOffset());
            }
        }
        if (fetchOffset < logStart || fetchOffset > log.logEndOffset()) {
            return new ReplicaFetchCheck.Refused(Errors.OFFSET_OUT_OF_RANGE);
        }
        return new ReplicaFetchCheck.ReadFrom(fetchOffset);
    }
}
