package io.surety.broker.log;

/**
 * A point in a log: {@code offset} is the next offset after the batches it covers, and
 * {@code position} the byte in {@code segment} where that offset's batch starts (the end of the
 * batches before it). Immutable; published through volatile fields.
 */
record LogPosition(long offset, LogSegment segment, int position) {
}
