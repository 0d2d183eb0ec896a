package io.surety.broker.partition;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Answers whether a producer's transaction includes a partition, before that producer's first
 * transactional batch of the transaction is appended there (KIP-890 part 1): a batch the
 * coordinator does not know about would open a transaction no marker ever closes.
 *
 * <p>Called under the partition lock, so it must be quick and must not take that lock: the
 * coordinator publishes a transaction as no longer ongoing before it appends any marker, and a
 * marker append takes the partition lock, so a verified append can never land after the marker
 * that should have closed it.
 */
@FunctionalInterface
public interface TransactionVerifier {

    /**
     * NONE when {@code producerId} at {@code epoch} has an ongoing transaction that includes
     * {@code partition}; otherwise the error for the produce response: INVALID_PRODUCER_ID_MAPPING
     * (unknown producer), INVALID_PRODUCER_EPOCH (fenced), CONCURRENT_TRANSACTIONS (the
     * transaction is completing), or INVALID_TXN_STATE (not part of the transaction).
     */
    Errors verify(long producerId, short epoch, TopicPartition partition);

    /** Accepts every transactional batch (transaction.partition.verification.enable=false). */
    TransactionVerifier NONE = (producerId, epoch, partition) -> Errors.NONE;
}
