package io.surety.broker.partition;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;

/**
 * An acks=all append on a replicated leader waiting for the high watermark to reach its end
 * (Kafka's {@code DelayedProduce}). Its {@link #result} completes once, with
 * <ul>
 * <li>NONE when the high watermark reaches {@link #requiredOffset} with the maximal ISR at or
 *     above the effective minimum, NOT_ENOUGH_REPLICAS_AFTER_APPEND when it reaches it below;</li>
 * <li>NOT_ENOUGH_REPLICAS_AFTER_APPEND as soon as a committed ISR change leaves the ISR below the
 *     minimum (the high watermark cannot move then);</li>
 * <li>REQUEST_TIMED_OUT when {@link #expire} is called at or after {@link #deadlineMs};</li>
 * <li>NOT_LEADER_OR_FOLLOWER when this node stops leading the partition, KAFKA_STORAGE_ERROR when
 *     the partition goes offline.</li>
 * </ul>
 *
 * <p>Threading: created by {@link Partition#awaitReplication}; completed by whichever thread moves
 * the high watermark or the ISR (a fetch handler, the flusher, the ISR answer) or by the caller's
 * timer through {@link #expire}, always outside the partition lock. Continuations must be quick.
 *
 * <p>Implementation notes: Kafka 4 keeps such a waiter until its timeout, since its high
 * watermark is frozen below the minimum ISR; answering NOT_ENOUGH_REPLICAS_AFTER_APPEND at once
 * tells the producer the same thing sooner (it is retriable, and an idempotent retry of a batch
 * that did get committed is answered as a duplicate).
 */
public final class DelayedProduce {

    private final OffsetWaiters<DelayedProduce> waiters;
    private final long requiredOffset;
    private final long deadlineMs;
    /** Orders waiters with the same required offset (assigned under the waiters' monitor). */
    private final long arrival;
    private final CompletableFuture<Errors> result = new CompletableFuture<>();

    private DelayedProduce(OffsetWaiters<DelayedProduce> waiters, long requiredOffset, long deadlineMs, long arrival) {
        this.waiters = waiters;
        this.requiredOffset = requiredOffset;
        this.deadlineMs = deadlineMs;
        this.arrival = arrival;
    }

    /** The acks=all waiters of one partition. */
    static OffsetWaiters<DelayedProduce> waiters() {
        return new OffsetWaiters<>(DelayedProduce::requiredOffset, waiter -> waiter.arrival, DelayedProduce::new);
    }

    /** Completes {@code waiters} with {@code error}; call without any lock. */
    static void completeAll(List<DelayedProduce> waiters, Errors error) {
        waiters.forEach(waiter -> waiter.complete(error));
    }

    /** A waiter already answered with {@code error}. */
    static DelayedProduce completed(long requiredOffset, Errors error) {
        DelayedProduce done = new DelayedProduce(null, requiredOffset, Long.MIN_VALUE, -1);
        done.result.complete(error);
        return done;
    }

    /** The offset the high watermark must reach: the end of the appended batch (its last offset + 1). */
    public long requiredOffset() {
        return requiredOffset;
    }

    /** When the caller's timer should call {@link #expire}. */
    public long deadlineMs() {
        return deadlineMs;
    }

    public CompletableFuture<Errors> result() {
        return result;
    }

    /** At or after the deadline: answers REQUEST_TIMED_OUT unless already answered. Any thread. */
    public void expire(long nowMs) {
        if (nowMs >= deadlineMs && waiters != null && waiters.remove(this)) {
            result.complete(Errors.REQUEST_TIMED_OUT);
        }
    }

    /** Completes the result; called outside every lock. */
    void complete(Errors error) {
        result.complete(error);
    }
}
