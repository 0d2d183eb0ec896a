package io.surety.broker.partition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.common.protocol.Errors;

/**
 * The acks=all appends of one partition waiting for its high watermark, by required offset. It
 * only keeps them: {@link Partition} decides when they complete, takes them out here and completes
 * them after releasing its lock ({@link #takeUpTo}, {@link #takeAll}); the caller's timer removes
 * an expired one ({@link DelayedProduce#expire}).
 *
 * <p>Thread-safety: its own monitor guards the set, so a timer can remove a waiter without the
 * partition lock. Lock order: partition lock, then this monitor; futures are never completed
 * while holding either.
 */
final class ProduceWaiters {

    private final TreeSet<DelayedProduce> waiting = new TreeSet<>(
            Comparator.comparingLong(DelayedProduce::requiredOffset).thenComparingLong(w -> w.sequence));
    private long nextSequence;

    /** Registers a waiter for {@code requiredOffset}. */
    synchronized DelayedProduce add(long requiredOffset, long deadlineMs) {
        DelayedProduce waiter = new DelayedProduce(this, requiredOffset, deadlineMs, nextSequence++);
        waiting.add(waiter);
        return waiter;
    }

    /** Removes {@code waiter}; false when it was already taken out. */
    synchronized boolean remove(DelayedProduce waiter) {
        return waiting.remove(waiter);
    }

    /** Takes out every waiter whose required offset is at or below {@code highWatermark}. */
    synchronized List<DelayedProduce> takeUpTo(long highWatermark) {
        List<DelayedProduce> done = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.first().requiredOffset() <= highWatermark) {
            done.add(waiting.pollFirst());
        }
        return done;
    }

    /** Takes out every waiter. */
    synchronized List<DelayedProduce> takeAll() {
        List<DelayedProduce> all = new ArrayList<>(waiting);
        waiting.clear();
        return all;
    }

    synchronized int size() {
        return waiting.size();
    }

    /** Completes {@code waiters} with {@code error}; call without any lock. */
    static void complete(List<DelayedProduce> waiters, Errors error) {
        for (DelayedProduce waiter : waiters) {
            waiter.complete(error);
        }
    }
}
