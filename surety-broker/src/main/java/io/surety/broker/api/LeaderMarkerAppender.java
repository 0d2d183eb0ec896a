package io.surety.broker.api;

import io.surety.broker.delay.PartitionWatchers;
import io.surety.broker.partition.AppendOutcome;
import io.surety.broker.partition.DelayedProduce;
import io.surety.broker.partition.GroupCommitFlusher;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.Replication;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.Errors;

/**
 * Appends one transaction marker to a partition this node leads and answers as an acks=all batch:
 * once the marker is durable here and, on a replicated leader, once the high watermark has passed
 * it. The answer is NONE, or the error: the append's (NOT_LEADER_OR_FOLLOWER, INVALID_PRODUCER_EPOCH,
 * TRANSACTION_COORDINATOR_FENCED, KAFKA_STORAGE_ERROR), NOT_ENOUGH_REPLICAS_AFTER_APPEND when the
 * ISR fell below its minimum, NOT_LEADER_OR_FOLLOWER when leadership was lost meanwhile,
 * REQUEST_TIMED_OUT when the high watermark did not get there within the timeout. Thread-safe.
 *
 * <p>Implementation notes: a marker that timed out or lost its leadership may still become
 * visible later, or be truncated away; the coordinator then writes it again, and a second marker
 * for a transaction already closed in that partition changes nothing.
 */
public final class LeaderMarkerAppender {

    private final GroupCommitFlusher flusher;
    private final PartitionWatchers logEndWatchers;
    private final ScheduledExecutorService timer;
    private final Clock clock;

    /**
     * @param logEndWatchers the followers' fetches waiting for data, woken by each marker on a replicated leader
     * @param timer          where the waits for the high watermark are timed out
     */
    public LeaderMarkerAppender(GroupCommitFlusher flusher, PartitionWatchers logEndWatchers,
            ScheduledExecutorService timer, Clock clock) {
        this.flusher = flusher;
        this.logEndWatchers = logEndWatchers;
        this.timer = timer;
        this.clock = clock;
    }

    /** Appends the marker now and returns its answer, due within {@code timeoutMs}. */
    public CompletableFuture<Errors> append(Partition partition, long producerId, short producerEpoch, boolean commit,
            int coordinatorEpoch, long timeoutMs) {
        long nowMs = clock.millis();
        AppendOutcome outcome = partition.appendMarker(producerId, producerEpoch, commit, coordinatorEpoch, nowMs);
        if (outcome.error() != Errors.NONE) {
            return CompletableFuture.completedFuture(outcome.error());
        }
        CompletableFuture<Errors> durable = flusher.awaitDurable(partition, outcome.endOffset())
                .handle((ok, failure) -> failure == null ? Errors.NONE : Errors.KAFKA_STORAGE_ERROR);
        Replication replication = partition.replication();
        if (!replication.waitsForReplicas()) {
            return durable;
        }
        logEndWatchers.wake(partition.topicPartition());
        return durable.thenCombine(awaitHighWatermark(replication, outcome.endOffset(), nowMs, nowMs + timeoutMs),
                (flushed, replicated) -> flushed != Errors.NONE ? flushed : replicated);
    }

    private CompletableFuture<Errors> awaitHighWatermark(Replication replication, long endOffset, long nowMs,
            long deadlineMs) {
        DelayedProduce waiter = replication.awaitReplication(endOffset, deadlineMs);
        if (!waiter.result().isDone()) {
            // The timer measures the delay on a monotonic clock, so when it runs the deadline has come.
            ScheduledFuture<?> expiry = timer.schedule(() -> waiter.expire(waiter.deadlineMs()),
                    Math.max(0, deadlineMs - nowMs), TimeUnit.MILLISECONDS);
            waiter.result().whenComplete((error, failure) -> expiry.cancel(false));
        }
        return waiter.result();
    }
}
