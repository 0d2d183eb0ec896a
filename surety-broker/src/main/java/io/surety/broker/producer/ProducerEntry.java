package io.surety.broker.producer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One producer's state in one partition: its epoch and its last {@link #RETAINED_BATCHES} batches.
 * Five because a producer has at most five requests in flight; any retry it can send is among them.
 * Not thread-safe: owned by its {@link ProducerStateTable}.
 */
final class ProducerEntry {

    static final int RETAINED_BATCHES = 5;

    private short epoch;
    private final Deque<BatchMetadata> batches = new ArrayDeque<>(RETAINED_BATCHES);
    private long lastTimestampMs;
    private long currentTxnFirstOffset = -1;

    ProducerEntry(short epoch) {
        this.epoch = epoch;
    }

    short epoch() {
        return epoch;
    }

    boolean hasBatches() {
        return !batches.isEmpty();
    }

    int lastSequence() {
        return batches.getLast().lastSequence();
    }

    long lastDataOffset() {
        return batches.getLast().lastOffset();
    }

    long lastTimestampMs() {
        return lastTimestampMs;
    }

    BatchMetadata find(int firstSequence, int lastSequence) {
        for (BatchMetadata batch : batches) {
            if (batch.firstSequence() == firstSequence && batch.lastSequence() == lastSequence) {
                return batch;
            }
        }
        return null;
    }

    void add(short batchEpoch, BatchMetadata batch) {
        updateEpoch(batchEpoch);
        if (batches.size() == RETAINED_BATCHES) {
            batches.removeFirst();
        }
        batches.addLast(batch);
        lastTimestampMs = Math.max(lastTimestampMs, batch.timestampMs());
    }

    /** A new epoch forgets the old epoch's batches: its sequences start again at 0. */
    void updateEpoch(short newEpoch) {
        if (newEpoch != epoch) {
            epoch = newEpoch;
            batches.clear();
        }
    }

    void touch(long timestampMs) {
        lastTimestampMs = Math.max(lastTimestampMs, timestampMs);
    }

    /** The first offset of this producer's open transaction in the partition, or -1. */
    long currentTxnFirstOffset() {
        return currentTxnFirstOffset;
    }

    void setCurrentTxnFirstOffset(long offset) {
        currentTxnFirstOffset = offset;
    }

    Iterable<BatchMetadata> batches() {
        return batches;
    }
}
