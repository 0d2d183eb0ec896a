package io.surety.broker.api;

import io.surety.broker.coordinator.TransactionMarkerWriter;
import io.surety.broker.partition.AppendOutcome;
import io.surety.broker.partition.GroupCommitFlusher;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Writes transaction markers straight into this node's partitions (no WriteTxnMarkers hop): each
 * through the partition's own append path, then one group-commit fsync wait for all of them.
 * A partition that no longer exists (its topic was deleted) is skipped. Thread-safe.
 */
public final class PartitionMarkerWriter implements TransactionMarkerWriter {

    private final PartitionRegistry partitions;
    private final GroupCommitFlusher flusher;
    private final Clock clock;

    public PartitionMarkerWriter(PartitionRegistry partitions, GroupCommitFlusher flusher, Clock clock) {
        this.partitions = partitions;
        this.flusher = flusher;
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Void> write(long producerId, short producerEpoch, boolean commit,
            Collection<TopicPartition> targets) {
        long nowMs = clock.millis();
        List<CompletableFuture<Void>> durable = new ArrayList<>();
        for (TopicPartition tp : targets) {
            Partition partition = partitions.get(tp);
            if (partition == null) {
                continue;
            }
            AppendOutcome outcome = partition.appendMarker(producerId, producerEpoch, commit, nowMs);
            if (outcome.error() != Errors.NONE) {
                return CompletableFuture.failedFuture(new IOException("Marker for " + tp + " failed: " + outcome.message()));
            }
            durable.add(flusher.awaitDurable(partition, outcome.endOffset()));
        }
        return CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new));
    }
}
