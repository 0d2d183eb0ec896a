package io.surety.broker.partition;

import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.Log;
import io.surety.broker.log.OffsetOutOfRangeException;
import io.surety.broker.log.ReadResult;
import io.surety.broker.producer.BatchMetadata;
import io.surety.broker.producer.ProducerStateTable;
import io.surety.broker.producer.SequenceCheck;
import io.surety.broker.record.BatchRecords;
import io.surety.broker.record.BatchRecords.TimestampAndOffset;
import io.surety.broker.log.BatchHeader;
import io.surety.broker.record.ProducedBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition on this node: its {@link Log}, its idempotent-producer state, and the rules that
 * decide what may be appended.
 *
 * <p>Threading: appends, retention and record deletion are serialised by the partition lock (the
 * single append path); reads go straight to the log, which publishes what they may see. After a
 * disk error the partition goes offline: every later append or read fails with
 * KAFKA_STORAGE_ERROR, and nothing already acknowledged is touched.
 */
public final class Partition {

    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);
    /** A single node never changes leader, so every batch carries epoch 0. */
    public static final int LEADER_EPOCH = 0;

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Log log;
    private final ProducerStateTable producers;
    private final ReentrantLock lock = new ReentrantLock();
    private final HighWatermarkListener listener;
    private volatile String offlineReason;

    Partition(TopicPartition topicPartition, Uuid topicId, Log log, ProducerStateTable producers,
            HighWatermarkListener listener) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.producers = producers;
        this.listener = listener;
    }

    /** Told when new data becomes visible to consumers in a partition; called without the partition lock. */
    public interface HighWatermarkListener {
        void advanced(TopicPartition partition);
    }

    /**
     * Checks and appends one produced batch. Duplicates of one of the producer's last five batches
     * are answered with the original offsets and not appended again.
     */
    public AppendOutcome append(ProducedBatch batch, long nowMs) {
        long visibleBefore = log.highWatermark();
        AppendOutcome outcome = appendLocked(batch, nowMs);
        if (log.highWatermark() > visibleBefore) {
            listener.advanced(topicPartition);
        }
        return outcome;
    }

    private AppendOutcome appendLocked(ProducedBatch batch, long nowMs) {
        TopicConfig config = log.config();
        if (batch.sizeInBytes() > config.maxMessageBytes()) {
            return AppendOutcome.failed(Errors.MESSAGE_TOO_LARGE, "Batch of " + batch.sizeInBytes()
                    + " bytes exceeds max.message.bytes " + config.maxMessageBytes() + " of " + topicPartition);
        }
        String badTimestamp = timestampProblem(batch, config, nowMs);
        if (badTimestamp != null) {
            return AppendOutcome.failed(Errors.INVALID_TIMESTAMP, badTimestamp);
        }
        lock.lock();
        try {
            if (offlineReason != null) {
                return AppendOutcome.failed(Errors.KAFKA_STORAGE_ERROR, offlineReason);
            }
            if (batch.hasProducerId()) {
                SequenceCheck check = producers.check(batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                        batch.lastSequence(), topicPartition.toString());
                if (check instanceof SequenceCheck.Duplicate duplicate) {
                    BatchMetadata original = duplicate.original();
                    return new AppendOutcome(Errors.NONE, null, original.firstOffset(),
                            config.logAppendTime() ? original.timestampMs() : -1, log.logStartOffset(),
                            original.lastOffset() + 1);
                } else if (check instanceof SequenceCheck.StaleEpoch stale) {
                    return AppendOutcome.failed(Errors.INVALID_PRODUCER_EPOCH, stale.message());
                } else if (check instanceof SequenceCheck.OutOfOrder outOfOrder) {
                    return AppendOutcome.failed(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, outOfOrder.message());
                }
            }
            long baseOffset = log.logEndOffset();
            long appendTime = config.logAppendTime() ? nowMs : -1;
            BatchHeader stamped = batch.stamp(baseOffset, LEADER_EPOCH, appendTime);
            try {
                log.append(stamped, batch.bytes(), nowMs);
            } catch (IOException e) {
                return AppendOutcome.failed(Errors.KAFKA_STORAGE_ERROR, storageFailure("append", e));
            }
            if (batch.hasProducerId()) {
                producers.record(batch.producerId(), batch.producerEpoch(), new BatchMetadata(batch.baseSequence(),
                        batch.lastSequence(), baseOffset, stamped.lastOffset(), appendTime >= 0 ? appendTime : stamped.maxTimestamp()));
            }
            return new AppendOutcome(Errors.NONE, null, baseOffset, appendTime, log.logStartOffset(), stamped.nextOffset());
        } finally {
            lock.unlock();
        }
    }

    private static String timestampProblem(ProducedBatch batch, TopicConfig config, long nowMs) {
        if (config.logAppendTime()) {
            return null;
        }
        if (batch.maxTimestamp() - nowMs > config.timestampAfterMaxMs()) {
            return "Timestamp " + batch.maxTimestamp() + " is more than message.timestamp.after.max.ms ahead of the broker";
        }
        if (config.timestampBeforeMaxMs() != Long.MAX_VALUE && nowMs - batch.baseTimestamp() > config.timestampBeforeMaxMs()) {
            return "Timestamp " + batch.baseTimestamp() + " is older than message.timestamp.before.max.ms allows";
        }
        return null;
    }

    private String storageFailure(String what, IOException e) {
        String reason = "Storage error during " + what + " on " + topicPartition + ": " + e;
        LOG.error("{}; the partition is offline until restart, acknowledged data is untouched", reason, e);
        offlineReason = reason;
        return reason;
    }

    /** Forces appended data to disk (group commit); returns the durable end offset. */
    public long flush(long nowMs) throws IOException {
        if (offlineReason != null) {
            throw new IOException(offlineReason);
        }
        long visibleBefore = log.highWatermark();
        try {
            long durable = log.flush(nowMs);
            if (log.highWatermark() > visibleBefore) {
                listener.advanced(topicPartition);
            }
            return durable;
        } catch (IOException e) {
            storageFailure("fsync", e);
            throw e;
        }
    }

    public boolean flushDue(long nowMs) {
        return offlineReason == null && log.flushDue(nowMs);
    }

    /** Reads for a consumer, bounded by the high watermark. */
    public ReadResult read(long offset, int maxBytes, boolean minOneBatch) throws IOException, OffsetOutOfRangeException {
        requireOnline();
        return log.read(offset, maxBytes, minOneBatch);
    }

    /** The first visible record at or after {@code timestamp}, or null (ListOffsets by time). */
    public TimestampAndOffset offsetForTimestamp(long timestamp) throws IOException {
        requireOnline();
        ByteBuffer batch = log.firstBatchAtOrAfterTimestamp(timestamp);
        return batch == null ? null : BatchRecords.firstAtOrAfter(batch, timestamp, log.logStartOffset());
    }

    /** The visible record with the largest timestamp, or null (ListOffsets MAX_TIMESTAMP). */
    public TimestampAndOffset offsetOfMaxTimestamp() throws IOException {
        requireOnline();
        ByteBuffer batch = log.batchWithMaxTimestamp();
        return batch == null ? null : BatchRecords.maxTimestamp(batch);
    }

    private void requireOnline() throws IOException {
        if (offlineReason != null) {
            throw new IOException(offlineReason);
        }
    }

    /** Deletes records below {@code offset}; returns the new log start offset. */
    public long deleteRecordsBefore(long offset, long nowMs) throws IOException {
        lock.lock();
        try {
            requireOnline();
            long target = offset < 0 ? log.highWatermark() : offset;
            log.deleteRecordsBefore(target, nowMs);
            return log.logStartOffset();
        } finally {
            lock.unlock();
        }
    }

    /** Applies retention and expires idle producers. */
    public void applyRetention(long nowMs, long producerExpirationMs) {
        lock.lock();
        try {
            if (offlineReason == null) {
                log.applyRetention(nowMs);
                producers.expire(nowMs, producerExpirationMs);
            }
        } catch (IOException e) {
            storageFailure("retention", e);
        } finally {
            lock.unlock();
        }
    }

    public void checkpointRecoveryPoint() {
        try {
            if (offlineReason == null) {
                log.checkpointRecoveryPoint();
            }
        } catch (IOException e) {
            LOG.warn("Could not record the recovery point of {}", topicPartition, e);
        }
    }

    public void updateConfig(TopicConfig config) {
        log.updateConfig(config);
    }

    void close(long nowMs) {
        lock.lock();
        try {
            log.close(nowMs);
        } catch (IOException e) {
            LOG.warn("Could not close {} cleanly; it will be recovered at the next start", topicPartition, e);
        } finally {
            lock.unlock();
        }
    }

    Log log() {
        return log;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public long highWatermark() {
        return log.highWatermark();
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    /** Bytes in the partition's segment files (metrics). */
    public long sizeInBytes() {
        return log.sizeInBytes();
    }

    /** Producer ids with idempotence state here (metrics); takes the partition lock briefly. */
    public int producerIdCount() {
        lock.lock();
        try {
            return producers.size();
        } finally {
            lock.unlock();
        }
    }

    public boolean isOffline() {
        return offlineReason != null;
    }

    /** The last sequence appended by {@code producerId}, or -1. */
    public int lastSequence(long producerId) {
        lock.lock();
        try {
            return producers.lastSequence(producerId);
        } finally {
            lock.unlock();
        }
    }
}
