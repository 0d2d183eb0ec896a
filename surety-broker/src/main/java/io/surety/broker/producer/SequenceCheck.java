package io.surety.broker.producer;

/** The outcome of checking an idempotent batch against its producer's state. */
public sealed interface SequenceCheck {

    /** The batch is next in sequence (or its producer is new): append it. */
    record Accept() implements SequenceCheck {
    }

    /** The batch was appended before: answer with its original offsets, append nothing. */
    record Duplicate(BatchMetadata original) implements SequenceCheck {
    }

    /** The producer's epoch is older than the partition has seen: INVALID_PRODUCER_EPOCH. */
    record StaleEpoch(String message) implements SequenceCheck {
    }

    /** The sequence has a gap or goes back: OUT_OF_ORDER_SEQUENCE_NUMBER. */
    record OutOfOrder(String message) implements SequenceCheck {
    }

    SequenceCheck ACCEPT = new Accept();
}
