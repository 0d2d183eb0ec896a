package io.surety.broker.coordinator;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes a transaction's COMMIT or ABORT markers into its data partitions: on one node this is a
 * direct append through each partition's append path, not a WriteTxnMarkers request; in cluster
 * mode each marker goes to its partition's leader and counts once past its high watermark.
 * Implemented by the broker's wiring over its partitions and group-commit flusher.
 *
 * <p>{@link #write} is called on the coordinator thread after the PrepareCommit or PrepareAbort
 * record is durable; it appends at once (partitions that no longer exist are skipped) and returns
 * a future that completes when every marker is fsynced, or exceptionally if a partition could not
 * take its marker (the coordinator then tries again later: a second marker is harmless).
 */
public interface TransactionMarkerWriter {

    CompletableFuture<Void> write(long producerId, short producerEpoch, boolean commit,
            Collection<TopicPartition> partitions);
}
