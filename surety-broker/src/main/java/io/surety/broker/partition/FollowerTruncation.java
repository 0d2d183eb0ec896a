package io.surety.broker.partition;

import io.surety.broker.log.LeaderEpochCache;
import io.surety.broker.log.LeaderEpochCache.EpochEndOffset;

/**
 * Where a follower truncates when its leader answers a fetch with DivergingEpoch{epoch, endOffset}
 * (KIP-279, Kafka's {@code AbstractFetcherThread.getOffsetTruncationState}). Stateless.
 *
 * <ul>
 * <li>the follower knows {@code epoch}: to the smaller of where it ends in each log;</li>
 * <li>the follower's largest epoch at or below it is another one: to where that one ends here
 *     (the next fetch, with that epoch as its last fetched epoch, narrows it further);</li>
 * <li>the follower knows no epoch at or below it: to the leader's end offset.</li>
 * </ul>
 * Never past the follower's own log end.
 */
final class FollowerTruncation {

    private FollowerTruncation() {
    }

    /** The offset to truncate to, for the follower's {@code epochs} and {@code logEndOffset}. */
    static long offsetFor(LeaderEpochCache epochs, long logEndOffset, int divergingEpoch, long divergingEndOffset) {
        EpochEndOffset ours = epochs.endOffsetFor(divergingEpoch, logEndOffset);
        long target;
        if (ours.endOffset() == LeaderEpochCache.UNDEFINED_OFFSET) {
            target = divergingEndOffset;
        } else if (ours.epoch() != divergingEpoch) {
            target = ours.endOffset();
        } else {
            target = Math.min(ours.endOffset(), divergingEndOffset);
        }
        return Math.max(0, Math.min(target, logEndOffset));
    }
}
