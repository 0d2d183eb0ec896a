package io.surety.broker.partition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * The requests of one partition waiting for one of its watermarks to reach an offset, in the
 * order of that offset (then of arrival): the acks=all appends waiting for the high watermark
 * ({@link DelayedProduce}), the DeleteRecords requests waiting for the low watermark
 * ({@link DelayedDeleteRecords}). It only keeps them: {@link Replication} decides when they
 * complete, takes them out here and completes them after releasing the partition lock; the
 * caller's timer removes an expired one through the waiter's {@code expire}.
 *
 * <p>Thread-safety: its own monitor guards the set, so a timer can remove a waiter without the
 * partition lock. Lock order: partition lock, then this monitor; futures are never completed
 * while holding either.
 *
 * @param <W> the waiter
 */
final class OffsetWaiters<W> {

    /** Makes a waiter that belongs to {@code owner}, with its place in the order of arrival. */
    @FunctionalInterface
    interface Maker<W> {
        W make(OffsetWaiters<W> owner, long requiredOffset, long deadlineMs, long arrival);
    }

    private final ToLongFunction<W> requiredOffset;
    private final Maker<W> maker;
    private final TreeSet<W> waiting;
    private long nextArrival;

    OffsetWaiters(ToLongFunction<W> requiredOffset, ToLongFunction<W> arrival, Maker<W> maker) {
        this.requiredOffset = requiredOffset;
        this.maker = maker;
        this.waiting = new TreeSet<>(Comparator.comparingLong(requiredOffset).thenComparingLong(arrival));
    }

    /** Registers a wait for the watermark to reach {@code offset}, due by {@code deadlineMs}. */
    synchronized W add(long offset, long deadlineMs) {
        W waiter = maker.make(this, offset, deadlineMs, nextArrival++);
        waiting.add(waiter);
        return waiter;
    }

    /** Removes {@code waiter}; false when it was already taken out. */
    synchronized boolean remove(W waiter) {
        return waiting.remove(waiter);
    }

    synchronized boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** Takes out every waiter whose required offset is at or below {@code watermark}. */
    synchronized List<W> takeUpTo(long watermark) {
        List<W> done = new ArrayList<>();
        while (!waiting.isEmpty() && requiredOffset.applyAsLong(waiting.first()) <= watermark) {
            done.add(waiting.pollFirst());
        }
        return done;
    }

    /** Takes out every waiter. */
    synchronized List<W> takeAll() {
        List<W> all = new ArrayList<>(waiting);
        waiting.clear();
        return all;
    }
}
