package io.surety.broker.partition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.common.protocol.Errors;

/**
 * The DeleteRecords requests of one partition waiting for its low watermark, by required offset.
 * It only keeps them: {@link Replication} decides when they complete, takes them out here and
 * completes them after releasing the partition lock; the caller's timer removes an expired one
 * ({@link DelayedDeleteRecords#expire}).
 *
 * <p>Thread-safety: its own monitor guards the set, so a timer can remove a waiter without the
 * partition lock. Lock order: partition lock, then this monitor; futures are never completed
 * while holding either.
 */
final class DeleteRecordsWaiters {

    private final TreeSet<DelayedDeleteRecords> waiting = new TreeSet<>(
            Comparator.comparingLong(DelayedDeleteRecords::requiredOffset).thenComparingLong(w -> w.sequence));
    private long nextSequence;

    /** Registers a wait for the low watermark to reach {@code requiredOffset}. */
    synchronized DelayedDeleteRecords add(long requiredOffset, long deadlineMs) {
        DelayedDeleteRecords waiter = new DelayedDeleteRecords(this, requiredOffset, deadlineMs, nextSequence++);
        waiting.add(waiter);
        return waiter;
    }

    /** Removes {@code waiter}; false when it was already taken out. */
    synchronized boolean remove(DelayedDeleteRecords waiter) {
        return waiting.remove(waiter);
    }

    synchronized boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** Takes out every waiter whose required offset is at or below {@code lowWatermark}. */
    synchronized List<DelayedDeleteRecords> takeUpTo(long lowWatermark) {
        List<DelayedDeleteRecords> done = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.first().requiredOffset() <= lowWatermark) {
            done.add(waiting.pollFirst());
        }
        return done;
    }

    /** Takes out every waiter. */
    synchronized List<DelayedDeleteRecords> takeAll() {
        List<DelayedDeleteRecords> all = new ArrayList<>(waiting);
        waiting.clear();
        return all;
    }

    /** Answers {@code reached} with {@code lowWatermark}; call without any lock. */
    static void complete(List<DelayedDeleteRecords> reached, long lowWatermark) {
        for (DelayedDeleteRecords waiter : reached) {
            waiter.reached(lowWatermark);
        }
    }

    /** Answers {@code waiters} with {@code error}; call without any lock. */
    static void fail(List<DelayedDeleteRecords> waiters, Errors error) {
        for (DelayedDeleteRecords waiter : waiters) {
            waiter.fail(error);
        }
    }
}
