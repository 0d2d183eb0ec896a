package io.surety.broker.replication;

import io.surety.broker.partition.Partition;
import org.apache.kafka.common.TopicPartition;

/**
 * What a {@link ReplicaFetcher} knows of one partition it copies: the replica, the leader epoch it
 * fetches in, and whether it is fetched now, waits out a back-off, or is paused until the wiring
 * hands it a new {@link FetchStart}. Owned by the fetcher's thread; not thread-safe.
 */
final class FollowedPartition {

    /** Where the partition stands in the fetch loop. */
    enum Status {
        /** Included in the next fetch. */
        FETCHING,
        /** Left out of fetches until {@link #backoffUntilMs}, after an error. */
        BACKING_OFF,
        /** Left out until a new {@link FetchStart} replaces it: its epoch was fenced or its log failed. */
        PAUSED
    }

    private final FetchStart start;
    private Status status = Status.FETCHING;
    private long backoffUntilMs;

    FollowedPartition(FetchStart start) {
        this.start = start;
    }

    Partition partition() {
        return start.partition();
    }

    TopicPartition topicPartition() {
        return start.partition().topicPartition();
    }

    int leaderEpoch() {
        return start.leaderEpoch();
    }

    Status status() {
        return status;
    }

    long backoffUntilMs() {
        return backoffUntilMs;
    }

    /** Whether the next fetch at {@code nowMs} includes it; a back-off that has run out ends here. */
    boolean readyAt(long nowMs) {
        if (status == Status.BACKING_OFF && nowMs >= backoffUntilMs) {
            status = Status.FETCHING;
        }
        return status == Status.FETCHING;
    }

    void backOff(long untilMs) {
        if (status != Status.PAUSED) {
            status = Status.BACKING_OFF;
            backoffUntilMs = untilMs;
        }
    }

    void pause() {
        status = Status.PAUSED;
    }

    @Override
    public String toString() {
        return topicPartition() + " in leader epoch " + leaderEpoch() + " (" + status + ")";
    }
}
