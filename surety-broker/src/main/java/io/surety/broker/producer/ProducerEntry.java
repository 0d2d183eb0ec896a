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
        if (batchEpoch != epoch) {
            epoch = batchEpoch;
            batches.clear();
        }
        if (batches.size() == RETAINED_BATCHES) {
            batches.removeFirst();
        }
        batches.addLast(batch);
        lastTimestampMs = Math.max(lastTimestampMs, batch.timestampMs());
    }

    Iterable<BatchMetadata> batches() {
        return batches;
    }
}
