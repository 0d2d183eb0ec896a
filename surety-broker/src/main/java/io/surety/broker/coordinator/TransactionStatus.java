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
 *
 * <p>Persisted as {@link #code()}, the order of declaration in the first release: a code, once
 * given, is never changed or reused, so constants may be reordered or added freely.
 */
enum TransactionStatus {
    EMPTY(0, "Empty"),
    ONGOING(1, "Ongoing"),
    PREPARE_COMMIT(2, "PrepareCommit"),
    PREPARE_ABORT(3, "PrepareAbort"),
    COMPLETE_COMMIT(4, "CompleteCommit"),
    COMPLETE_ABORT(5, "CompleteAbort"),
    DEAD(6, "Dead"),
    PREPARE_EPOCH_FENCE(7, "PrepareEpochFence");

    private final byte code;
    private final String kafkaName;

    TransactionStatus(int code, String kafkaName) {
        this.code = (byte) code;
        this.kafkaName = kafkaName;
    }

    /** The byte that stands for this status in the journal ({@code TransactionSnapshot}). */
    byte code() {
        return code;
    }

    /**
     * The status stored as {@code code}.
     *
     * @throws IllegalArgumentException naming the code when no status has it
     */
    static TransactionStatus fromCode(byte code) {
        for (TransactionStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown transaction status code " + code);
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
