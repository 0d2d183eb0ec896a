package io.surety.semantics;

import org.apache.kafka.common.TopicPartition;

/**
 * What a {@link DeliveryAudit} noticed about one record, as reported to an {@link AuditListener}.
 * Every event names the source, the sequence number and where the record that revealed it was
 * read.
 */
public sealed interface AuditEvent {

    String source();

    long sequence();

    TopicPartition partition();

    long offset();

    /** A sequence number arrived that had been seen before: a duplicate delivery. */
    record Duplicate(String source, long sequence, TopicPartition partition, long offset) implements AuditEvent {
    }

    /**
     * A sequence number arrived in a partition after a higher one of the same source in that
     * partition: the records changed order.
     */
    record Reordered(String source, long sequence, long afterSequence, TopicPartition partition, long offset)
            implements AuditEvent {
    }

    /**
     * A sequence number arrived above the highest seen so far, skipping {@code missing} numbers
     * below it (from {@code sequence - missing} to {@code sequence - 1}). Provisional: a record that
     * arrives later, from another partition or out of order, fills its place ({@link GapFilled}).
     */
    record Gap(String source, long sequence, long missing, TopicPartition partition, long offset) implements AuditEvent {
    }

    /** A sequence number arrived that an earlier {@link Gap} had counted as missing. */
    record GapFilled(String source, long sequence, TopicPartition partition, long offset) implements AuditEvent {
    }
}
