package io.surety.broker.partition;

import org.apache.kafka.common.protocol.Errors;

/**
 * The result of appending one produced batch to a partition.
 *
 * @param error          NONE on success (including a recognised duplicate)
 * @param baseOffset     the batch's first offset (the original one for a duplicate)
 * @param logAppendTimeMs the append time for LogAppendTime topics, else -1
 * @param logStartOffset the partition's log start offset after the append
 * @param endOffset      the offset that must become durable before acknowledging (acks=1/all)
 */
public record AppendOutcome(Errors error, String message, long baseOffset, long logAppendTimeMs, long logStartOffset,
        long endOffset) {

    static AppendOutcome failed(Errors error, String message) {
        return new AppendOutcome(error, message, -1, -1, -1, -1);
    }
}
