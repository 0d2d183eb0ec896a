package io.surety.broker.partition;

import org.apache.kafka.common.protocol.Errors;

/**
 * The leader's answer to where a follower's fetch may read ({@link Partition#checkReplicaFetch}):
 * read from the fetch offset, tell the follower where its log diverged, or refuse.
 */
public sealed interface ReplicaFetchCheck
        permits ReplicaFetchCheck.ReadFrom, ReplicaFetchCheck.Diverging, ReplicaFetchCheck.Refused {

    /** The follower's log matches the leader's up to {@code fetchOffset}: read from there. */
    record ReadFrom(long fetchOffset) implements ReplicaFetchCheck {
    }

    /**
     * The follower's log diverges: the leader's largest epoch at or below the follower's last
     * fetched epoch is {@code epoch}, ending at {@code endOffset} (the response's DivergingEpoch).
     * Nothing is read, and the fetch does not count as the follower's progress.
     */
    record Diverging(int epoch, long endOffset) implements ReplicaFetchCheck {
    }

    /** The fetch is answered with {@code error} for this partition. */
    record Refused(Errors error) implements ReplicaFetchCheck {
    }
}
