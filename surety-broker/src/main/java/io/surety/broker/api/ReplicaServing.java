package io.surety.broker.api;

import io.surety.broker.delay.PartitionWatchers;
import io.surety.broker.partition.IsrChangeSink;
import java.util.function.LongSupplier;

/**
 * What the leader side of replication works with in the request handlers: the watchers a
 * follower's fetch waits on, woken when a partition's log end moves (an append on a replicated
 * leader, before the high watermark follows); where ISR change proposals go; and the monotonic
 * clock, in milliseconds, that followers' lag is measured on. Immutable; each part states its own
 * thread-safety.
 *
 * @param logEndWatchers followers' fetches waiting for data; the produce path wakes them
 * @param isrChanges     ISR proposals that followers' fetches produce
 * @param monotonicMs    milliseconds of a monotonic clock (lag and ISR membership)
 */
public record ReplicaServing(PartitionWatchers logEndWatchers, IsrChangeSink isrChanges, LongSupplier monotonicMs) {

    /** A single node: no follower ever fetches, so nothing waits and nothing is proposed. */
    public static ReplicaServing singleNode() {
        return new ReplicaServing(new PartitionWatchers(), IsrChangeSink.NONE, () -> System.nanoTime() / 1_000_000);
    }
}
