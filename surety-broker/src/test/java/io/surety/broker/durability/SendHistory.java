package io.surety.broker.durability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a producer tried and what it was told: every record is identified by its sequence number
 * and sent to one partition; each send ends acknowledged (with the offset the broker gave it),
 * failed, or still pending.
 *
 * <p>Thread-safe: the sending thread records attempts, the producer's I/O thread records outcomes
 * through the send callbacks, and the test thread reads counts at any time.
 */
final class SendHistory {

    private final Map<Long, Integer> partitionBySeq = new ConcurrentHashMap<>();
    private final Map<Long, Long> ackedOffsetBySeq = new ConcurrentHashMap<>();
    private final Map<Long, String> failureBySeq = new ConcurrentHashMap<>();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /** Records that {@code seq} is about to be sent to {@code partition}. */
    void attempted(long seq, int partition) {
        partitionBySeq.put(seq, partition);
    }

    /** Records the broker's acknowledgement of {@code seq} at {@code offset}. */
    void acked(long seq, long offset) {
        if (ackedOffsetBySeq.putIfAbsent(seq, offset) != null) {
            throw new IllegalStateException("Record " + seq + " acknowledged twice");
        }
        acks.incrementAndGet();
    }

    /** Records that the send of {@code seq} completed with an error. */
    void failed(long seq, Exception error) {
        failureBySeq.put(seq, String.valueOf(error));
        failures.incrementAndGet();
    }

    long attemptedCount() {
        return partitionBySeq.size();
    }

    long ackCount() {
        return acks.get();
    }

    long failureCount() {
        return failures.get();
    }

    /** Sends that have neither been acknowledged nor failed. */
    long pendingCount() {
        return partitionBySeq.size() - acks.get() - failures.get();
    }

    /** The partition {@code seq} was sent to, or null if it was never sent. */
    Integer partitionOf(long seq) {
        return partitionBySeq.get(seq);
    }

    /** A snapshot of every acknowledgement: sequence number to offset. */
    Map<Long, Long> ackedOffsets() {
        return Map.copyOf(ackedOffsetBySeq);
    }

    /** Up to {@code limit} failures, for messages. */
    String someFailures(int limit) {
        return failureBySeq.entrySet().stream().limit(limit).map(e -> e.getKey() + ": " + e.getValue())
                .toList().toString();
    }
}
