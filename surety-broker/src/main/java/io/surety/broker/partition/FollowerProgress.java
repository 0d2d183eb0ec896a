package io.surety.broker.partition;

/**
 * What a leader knows of one follower, from that follower's fetches (Kafka's {@code ReplicaState}):
 * how far its log reaches and where it starts, when it was last caught up with the leader's log
 * end, and the broker epoch it fetched with. Reset whenever the leader starts a new leader epoch.
 *
 * <p>Thread-safety: none; guarded by the partition lock (it lives in a {@link LeaderState}).
 *
 * <p>Times are milliseconds of a monotonic clock, passed in.
 */
final class FollowerProgress {

    /** A log end not known yet (no fetch in this leader epoch). */
    static final long UNKNOWN = -1;

    private final int brokerId;
    private long logEndOffset = UNKNOWN;
    /** The log start offset the follower reported in its last fetch (its {@code LogStartOffset}). */
    private long logStartOffset = UNKNOWN;
    private long lastFetchLeaderLogEndOffset = UNKNOWN;
    private long lastFetchTimeMs;
    private long lastCaughtUpTimeMs;
    private long brokerEpoch = -1;
    /**
     * Caught up and eligible, but not in the maximal ISR, at the last fetch or ISR check: the high
     * watermark waits for it, so it can reach the high watermark and join (Kafka's
     * {@code shouldWaitForReplicaToJoinIsr}, evaluated at those moments rather than at every append).
     */
    private boolean holdsHighWatermark;

    FollowerProgress(int brokerId) {
        this.brokerId = brokerId;
    }

    int brokerId() {
        return brokerId;
    }

    long logEndOffset() {
        return logEndOffset;
    }

    long logStartOffset() {
        return logStartOffset;
    }

    /** The follower's last fetch said its log starts at {@code offset} (-1: it did not say). */
    void recordLogStart(long offset) {
        logStartOffset = offset;
    }

    long brokerEpoch() {
        return brokerEpoch;
    }

    long lastCaughtUpTimeMs() {
        return lastCaughtUpTimeMs;
    }

    boolean holdsHighWatermark() {
        return holdsHighWatermark;
    }

    void holdHighWatermark(boolean holds) {
        holdsHighWatermark = holds;
    }

    /**
     * A fetch from {@code fetchOffset} arrived at {@code nowMs} while the leader's log ended at
     * {@code leaderLogEndOffset}. The follower was caught up at {@code nowMs} if it fetched from the
     * leader's end, or at its previous fetch if it has now reached the end the leader had then.
     */
    void recordFetch(long fetchOffset, long leaderLogEndOffset, long nowMs, long fetchBrokerEpoch) {
        if (fetchOffset >= leaderLogEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, nowMs);
        } else if (fetchOffset >= lastFetchLeaderLogEndOffset) {
            lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, lastFetchTimeMs);
        }
        logEndOffset = fetchOffset;
        lastFetchLeaderLogEndOffset = Math.max(leaderLogEndOffset, lastFetchLeaderLogEndOffset);
        lastFetchTimeMs = nowMs;
        brokerEpoch = fetchBrokerEpoch;
    }

    /** Caught up: its log reaches the leader's end, or it did within the last {@code lagMs}. */
    boolean isCaughtUp(long leaderLogEndOffset, long nowMs, long lagMs) {
        return logEndOffset == leaderLogEndOffset || nowMs - lastCaughtUpTimeMs <= lagMs;
    }

    /**
     * A new leader epoch began at {@code nowMs}: nothing is known of the follower's log, and an ISR
     * member counts as caught up now (so it is not dropped before it could fetch), anyone else as
     * never.
     */
    void reset(long nowMs, boolean inIsr) {
        logEndOffset = UNKNOWN;
        logStartOffset = UNKNOWN;
        lastFetchLeaderLogEndOffset = UNKNOWN;
        lastFetchTimeMs = 0;
        lastCaughtUpTimeMs = inIsr ? nowMs : 0;
        brokerEpoch = -1;
        holdsHighWatermark = false;
    }

    @Override
    public String toString() {
        return "replica " + brokerId + " at " + logEndOffset + " (caught up at " + lastCaughtUpTimeMs + " ms)";
    }
}
