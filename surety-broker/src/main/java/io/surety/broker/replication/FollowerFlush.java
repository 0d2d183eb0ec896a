package io.surety.broker.replication;

import io.surety.broker.partition.Partition;
import java.util.concurrent.CompletableFuture;

/**
 * How a follower makes what it appended durable before it reports it (replication-design.md
 * section 6.4, rule 4): the group-commit flusher's {@code awaitDurable}, which completes once
 * everything below {@code offset} in {@code partition} is on disk, or fails when the fsync fails
 * (the partition is offline then). Futures complete on the flusher's threads.
 */
@FunctionalInterface
public interface FollowerFlush {

    CompletableFuture<Void> awaitDurable(Partition partition, long offset);
}
