package io.surety.broker.coordinator;

import java.util.Locale;

/**
 * Where a transactional id stands (Kafka's TransactionState). The names are Kafka's, as
 * DescribeTransactions and ListTransactions show them.
 *
 * <pre>
 *  Empty ──AddPartitions/AddOffsets──▶ Ongoing ──EndTxn(commit)──▶ PrepareCommit ──markers──▶ CompleteCommit
 *    ▲                                  │  └──EndTxn(abort), timeout, fencing──▶ PrepareAbort ──markers──▶ CompleteAbort
 *    └──────── InitProducerId (epoch bump) from Empty / Complete* ◀───────────────────────────────────────┘
 * </pre>
 * A fenced or timed-out transaction is aborted with the producer epoch bumped by one (Kafka's
 * transient PrepareEpochFence goes straight to PrepareAbort here); Dead is never stored: an expired
 * transactional id is removed.
 */
enum TransactionStatus {
    EMPTY("Empty"),
    ONGOING("Ongoing"),
    PREPARE_COMMIT("PrepareCommit"),
    PREPARE_ABORT("PrepareAbort"),
    COMPLETE_COMMIT("CompleteCommit"),
    COMPLETE_ABORT("CompleteAbort"),
    DEAD("Dead"),
    PREPARE_EPOCH_FENCE("PrepareEpochFence");

    private final String kafkaName;

    TransactionStatus(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    String kafkaName() {
        return kafkaName;
    }

    boolean isPrepare() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }

    boolean isComplete() {
        return this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    /** The status with Kafka's name {@code name} (case-insensitive), or null. */
    static TransactionStatus byKafkaName(String name) {
        for (TransactionStatus status : values()) {
            if (status.kafkaName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return status;
            }
        }
        return null;
    }
}
