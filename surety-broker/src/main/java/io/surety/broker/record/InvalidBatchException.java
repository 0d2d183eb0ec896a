package io.surety.broker.record;

import java.util.List;

/**
 * A produced batch that must be refused, with the reason that picks Kafka's error code and, when
 * particular records are at fault, one entry per such record (ProduceResponse record_errors).
 */
public final class InvalidBatchException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a batch was refused. */
    public enum Reason {
        /** The bytes are damaged (bad CRC, truncated): CORRUPT_MESSAGE. */
        CORRUPT,
        /** The batch is well-formed but not acceptable: INVALID_RECORD. */
        INVALID_RECORD,
        /** A timestamp is outside the topic's bounds: INVALID_TIMESTAMP. */
        INVALID_TIMESTAMP
    }

    /** One refused record: its index inside the batch and why. */
    public record RecordError(int batchIndex, String message) {
    }

    private final Reason reason;
    private final List<RecordError> recordErrors;

    public InvalidBatchException(Reason reason, String message) {
        this(reason, message, List.of());
    }

    public InvalidBatchException(Reason reason, String message, List<RecordError> recordErrors) {
        super(message, null, false, false);
        this.reason = reason;
        this.recordErrors = List.copyOf(recordErrors);
    }

    /** The records at fault, in batch order; empty when the batch as a whole is refused. */
    public List<RecordError> recordErrors() {
        return recordErrors;
    }

    public Reason reason() {
        return reason;
    }
}
