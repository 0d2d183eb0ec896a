package io.surety.broker.record;

/** A produced batch that must be refused, with the reason that picks Kafka's error code. */
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

    private final Reason reason;

    public InvalidBatchException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
