package io.surety.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Cluster mode: asks the transaction coordinator, on another node, whether a producer's ongoing
 * transaction includes a partition, with AddPartitionsToTxn's verify-only form (KIP-890 part 1).
 * Implemented by the node wiring over the inter-broker listener. Thread-safe.
 */
public interface CoordinatorVerification {

    /**
     * Sends the question to node {@code coordinatorId}. Completes with the coordinator's answer for
     * {@code partition} (NONE when the transaction includes it; INVALID_TXN_STATE or
     * TRANSACTION_ABORTABLE when it does not; PRODUCER_FENCED, INVALID_PRODUCER_ID_MAPPING,
     * CONCURRENT_TRANSACTIONS), or NOT_ENOUGH_REPLICAS, which the producer retries, when no answer
     * came (the coordinator is unknown, unreachable or moving). Never completes exceptionally.
     */
    CompletableFuture<Errors> verify(int coordinatorId, String transactionalId, long producerId, short producerEpoch,
            TopicPartition partition);

    /** No coordinator can be reached (a single node, which never asks): every question fails. */
    CoordinatorVerification UNREACHABLE = (coordinatorId, transactionalId, producerId, producerEpoch, partition) ->
            CompletableFuture.completedFuture(Errors.NOT_ENOUGH_REPLICAS);
}
