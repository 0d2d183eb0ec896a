package io.surety.broker.partition;

import io.surety.broker.config.TopicConfig;
import io.surety.broker.producer.ProducerStateTable;
import io.surety.broker.record.ProducedBatch;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The checks a produced batch passes before a leader appends it that do not depend on the log:
 * its timestamps against the topic's bounds, and whether it may join (or open) its producer's
 * transaction here. Stateless.
 */
final class AppendRules {

    private AppendRules() {
    }

    /** Why the batch's timestamps are refused, or null. */
    static String timestampProblem(ProducedBatch batch, TopicConfig config, long nowMs) {
        if (config.logAppendTime()) {
            return null;
        }
        if (batch.maxTimestamp() - nowMs > config.timestampAfterMaxMs()) {
            return "Timestamp " + batch.maxTimestamp() + " is more than message.timestamp.after.max.ms ahead of the broker";
        }
        if (config.timestampBeforeMaxMs() != Long.MAX_VALUE && nowMs - batch.baseTimestamp() > config.timestampBeforeMaxMs()) {
            return "Timestamp " + batch.baseTimestamp() + " is older than message.timestamp.before.max.ms allows";
        }
        return null;
    }

    /**
     * Why a batch may not join (or start) its producer's transaction in {@code partition}, or
     * null. Under the partition lock ({@code producers} is the partition's).
     */
    static AppendOutcome transactionProblem(ProducerStateTable producers, ProducedBatch batch,
            TransactionVerifier verifier, boolean abortableErrors, TopicPartition partition) {
        boolean open = producers.hasOpenTransaction(batch.producerId());
        if (!batch.isTransactional()) {
            return open ? AppendOutcome.failed(Errors.INVALID_TXN_STATE, "Producer " + batch.producerId()
                    + " wrote a non-transactional batch to " + partition + " while its transaction is open") : null;
        }
        if (open) {
            return null;
        }
        Errors verified = verifier.verify(batch.producerId(), batch.producerEpoch(), partition);
        return switch (verified) {
            case NONE -> null;
            case INVALID_TXN_STATE, TRANSACTION_ABORTABLE -> AppendOutcome.failed(
                    abortableErrors ? Errors.TRANSACTION_ABORTABLE : Errors.INVALID_TXN_STATE,
                    "Partition " + partition + " was not added to the transaction");
            case CONCURRENT_TRANSACTIONS -> AppendOutcome.failed(Errors.NOT_ENOUGH_REPLICAS,
                    "Unable to verify the partition has been added to the transaction: it is completing");
            case PRODUCER_FENCED -> AppendOutcome.failed(Errors.INVALID_PRODUCER_EPOCH,
                    "Producer epoch " + batch.producerEpoch() + " of producer " + batch.producerId() + " is fenced");
            default -> AppendOutcome.failed(verified, "Transaction verification failed for " + partition);
        };
    }
}
