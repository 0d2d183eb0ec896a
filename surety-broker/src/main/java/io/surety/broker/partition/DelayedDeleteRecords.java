package io.surety.broker.partition;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;

/**
 * A DeleteRecords request on a replicated leader waiting for the partition's low watermark (the
 * lowest log start offset over the leader and the replicas on alive brokers) to reach the offset
 * it deleted up to (Kafka's {@code DelayedDeleteRecords}). Its {@link #result} completes once, with
 * <ul>
 * <li>NONE and the low watermark, when a follower's fetch reports a log start that brings the low
 *     watermark to {@link #requiredOffset}, or the metadata fences the broker of the replica that
 *     held it back;</li>
 * <li>REQUEST_TIMED_OUT when {@link #expire} is called at or after {@link #deadlineMs};</li>
 * <li>NOT_LEADER_OR_FOLLOWER when this node stops leading the partition, KAFKA_STORAGE_ERROR when
 *     the partition goes offline.</li>
 * </ul>
 * On an error the low watermark is -1.
 *
 * <p>Threading: created by {@link Replication#deleteRecords}; completed by whichever thread moves
 * the low watermark or the role (a fetch handler, the metadata publisher) or by the caller's timer
 * through {@link #expire}, always outside the partition lock. Continuations must be quick.
 */
public final class DelayedDeleteRecords {

    /** What the partition answers: an error code and the low watermark. */
    public record Answer(Errors error, long lowWatermark) {
    }

    private final OffsetWaiters<DelayedDeleteRecords> waiters;
    private final long requiredOffset;
    private final long deadlineMs;
    /** Orders waiters with the same required offset (assigned under the waiters' monitor). */
    private final long arrival;
    private final CompletableFuture<Answer> result = new CompletableFuture<>();

    private DelayedDeleteRecords(OffsetWaiters<DelayedDeleteRecords> waiters, long requiredOffset, long deadlineMs,
            long arrival) {
        this.waiters = waiters;
        this.requiredOffset = requiredOffset;
        this.deadlineMs = deadlineMs;
        this.arrival = arrival;
    }

    /** The DeleteRecords waiters of one partition. */
    static OffsetWaiters<DelayedDeleteRecords> waiters() {
        return new OffsetWaiters<>(DelayedDeleteRecords::requiredOffset, waiter -> waiter.arrival,
                DelayedDeleteRecords::new);
    }

    /** Answers {@code reached} with {@code lowWatermark}; call without any lock. */
    static void reachAll(List<DelayedDeleteRecords> reached, long lowWatermark) {
        reached.forEach(waiter -> waiter.reached(lowWatermark));
    }

    /** Answers {@code waiters} with {@code error}; call without any lock. */
    static void failAll(List<DelayedDeleteRecords> waiters, Errors error) {
        waiters.forEach(waiter -> waiter.fail(error));
    }

    /** A request already answered with {@code error} and {@code lowWatermark}. */
    static DelayedDeleteRecords completed(Errors error, long lowWatermark) {
        DelayedDeleteRecords done = new DelayedDeleteRecords(null, lowWatermark, Long.MIN_VALUE, -1);
        done.result.complete(new Answer(error, lowWatermark));
        return done;
    }

    /** The offset the low watermark must reach: the one records were deleted before. */
    public long requiredOffset() {
        return requiredOffset;
    }

    /** When the caller's timer should call {@link #expire}. */
    public long deadlineMs() {
        return deadlineMs;
    }

    public CompletableFuture<Answer> result() {
        return result;
    }

    /** At or after the deadline: answers REQUEST_TIMED_OUT unless already answered. Any thread. */
    public void expire(long nowMs) {
        if (nowMs >= deadlineMs && waiters != null && waiters.remove(this)) {
            fail(Errors.REQUEST_TIMED_OUT);
        }
    }

    /** The low watermark reached {@code lowWatermark} (at least the required offset); called outside every lock. */
    void reached(long lowWatermark) {
        result.complete(new Answer(Errors.NONE, lowWatermark));
    }

    /** Answers {@code error}; called outside every lock. */
    void fail(Errors error) {
        result.complete(new Answer(error, -1));
    }
}
