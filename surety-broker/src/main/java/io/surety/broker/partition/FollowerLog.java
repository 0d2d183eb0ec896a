package io.surety.broker.partition;

import io.surety.broker.log.BatchVisitor;
import io.surety.broker.log.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower's writes to its replica of one {@link Partition}: appending the batches the leader
 * sent, as they are, and truncating to where this log and the leader's part (a diverging epoch, or
 * a leader whose log no longer holds the fetch offset). The fetcher of the {@code replication}
 * package drives it; {@link Replication} owns it and says whether this replica follows.
 *
 * <p>Threading: every method takes the partition lock, the one lock of {@link Partition} (see the
 * table in {@link Replication}); {@code follows} is read under it.
 */
public final class FollowerLog {

    private static final Logger LOG = LoggerFactory.getLogger(FollowerLog.class);

    private final Partition partition;
    private final Log log;
    private final ReentrantLock lock;
    private final BooleanSupplier follows;

    FollowerLog(Partition partition, Log log, ReentrantLock lock, BooleanSupplier follows) {
        this.partition = partition;
        this.log = log;
        this.lock = lock;
        this.follows = follows;
    }

    /** What {@link #append} did: the error (NONE when appended), and the log end and high watermark after. */
    public record AppendOutcome(Errors error, String message, int batches, long logEndOffset, long highWatermark) {
    }

    /**
     * Appends the batches of a fetch response from the leader as they are, keeping their offsets,
     * leader epochs and bytes (a partial batch at the end waits for the next fetch). Each batch's
     * CRC is checked, the first must start at the log end and each next where the previous ended;
     * otherwise nothing is appended and the outcome is CORRUPT_MESSAGE. New leader epochs in the
     * batches extend the epoch cache; producer state, open transactions and the aborted-transaction
     * index are replayed from the appended batches as at start-up. Then the high watermark becomes
     * min({@code leaderHighWatermark}, log end) if that is higher, and the log start moves up to
     * {@code leaderLogStartOffset} (at most the high watermark). Only a follower appends this way
     * (NOT_LEADER_OR_FOLLOWER otherwise).
     */
    public AppendOutcome append(ByteBuffer records, long leaderHighWatermark, long leaderLogStartOffset,
            long nowMs) {
        boolean advanced;
        int count;
        lock.lock();
        try {
            if (partition.isOffline()) {
                return outcome(Errors.KAFKA_STORAGE_ERROR, partition.offlineReason(), 0);
            }
            if (!follows.getAsBoolean()) {
                return outcome(Errors.NOT_LEADER_OR_FOLLOWER, "This node does not follow a leader of "
                        + partition.topicPartition(), 0);
            }
            FollowerBatches.Parsed parsed = FollowerBatches.parse(records, log.logEndOffset());
            if (parsed.problem() != null) {
                LOG.warn("Refused records from the leader of {}: {}", partition.topicPartition(), parsed.problem());
                return outcome(Errors.CORRUPT_MESSAGE, parsed.problem(), 0);
            }
            BatchVisitor replay = partition.producerReplay();
            for (FollowerBatches.Batch batch : parsed.batches()) {
                log.append(batch.header(), batch.bytes().duplicate(), nowMs);
                replay.visit(batch.header(), batch.header().isControl() ? batch.bytes().duplicate() : null);
            }
            partition.producerStateChanged(log.logStartOffset());
            count = parsed.batches().size();
            advanced = log.advanceHighWatermarkTo(Math.min(leaderHighWatermark, log.logEndOffset()));
            long newStart = Math.min(leaderLogStartOffset, log.highWatermark());
            if (newStart > log.logStartOffset()) {
                log.deleteRecordsBefore(newStart, nowMs);
                partition.producerStateChanged(log.logStartOffset());
            }
        } catch (IOException e) {
            return outcome(Errors.KAFKA_STORAGE_ERROR, partition.storageFailure("follower append", e), 0);
        } finally {
            lock.unlock();
        }
        if (advanced) {
            partition.highWatermarkAdvanced();
        }
        return outcome(Errors.NONE, null, count);
    }

    private AppendOutcome outcome(Errors error, String message, int batches) {
        return new AppendOutcome(error, message, batches, log.logEndOffset(), log.highWatermark());
    }

    /**
     * The leader answered a fetch with DivergingEpoch{{@code epoch}, {@code endOffset}}: truncates
     * to where this log and the leader's part ({@link FollowerTruncation}) and rebuilds producer
     * state. Removing offsets below the high watermark (only after an unclean election) is logged
     * as a WARN naming them. Returns the new log end.
     */
    public long truncateOnDivergence(int epoch, long endOffset) throws IOException {
        lock.lock();
        try {
            partition.requireOnline();
            long target = FollowerTruncation.offsetFor(log.leaderEpochs(), log.logEndOffset(), epoch, endOffset);
            long highWatermark = log.highWatermark();
            long newEnd = partition.truncateTo(target);
            log.forgetEmptyLeaderEpochsFrom(newEnd);
            if (newEnd < highWatermark) {
                LOG.warn("Truncated {} below its high watermark to match leader epoch {} ending at {}: offsets {} to {}"
                        + " that consumers may have read are gone (the leader's log lacks records it had committed: an"
                        + " unclean leader election, or a leader that lost unflushed records in a crash)",
                        partition.topicPartition(), epoch, endOffset, newEnd, highWatermark - 1);
            }
            return newEnd;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The leader's log no longer holds this follower's fetch offset (OFFSET_OUT_OF_RANGE): the log
     * is emptied and starts again at {@code offset}, producer state with it.
     */
    public void truncateFullyAndStartAt(long offset) throws IOException {
        lock.lock();
        try {
            partition.requireOnline();
            long highWatermark = log.highWatermark();
            log.truncateFullyAndStartAt(offset);
            partition.rebuildProducerState();
            if (offset < highWatermark) {
                LOG.warn("Restarted {} at offset {} below its high watermark {}", partition.topicPartition(), offset, highWatermark);
            }
        } catch (IOException e) {
            partition.storageFailure("truncation", e);
            throw e;
        } finally {
            lock.unlock();
        }
    }
}
