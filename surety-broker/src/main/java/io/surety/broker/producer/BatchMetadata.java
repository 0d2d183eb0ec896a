package io.surety.broker.producer;

/** What is kept of one appended batch of an idempotent producer, to recognise its retries. */
public record BatchMetadata(int firstSequence, int lastSequence, long firstOffset, long lastOffset, long timestampMs) {
}
