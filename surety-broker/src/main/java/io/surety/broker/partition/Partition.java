package io.surety.broker.partition;

import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.Log;
import io.surety.broker.log.BatchVisitor;
import io.surety.broker.log.LeaderEpochCache;
import io.surety.broker.log.LogDamage;
import io.surety.broker.log.OffsetOutOfRangeException;
import io.surety.broker.log.ReadResult;
import io.surety.broker.producer.BatchMetadata;
import io.surety.broker.producer.ProducerStateTable;
import io.surety.broker.producer.SequenceCheck;
import io.surety.broker.producer.AbortedTransactions;
import io.surety.broker.producer.ProducerStateTable.ProducerSnapshot;
import io.surety.broker.record.BatchRecords;
import io.surety.broker.record.BatchRecords.TimestampAndOffset;
import io.surety.broker.log.BatchHeader;
import io.surety.broker.record.ControlBatches;
import io.surety.broker.record.ProducedBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * <p>Transactions: a transactional batch opens its producer's transaction here (after the
 * {@link TransactionVerifier} confirms the coordinator knows of it), the coordinator's marker
 * ({@link #appendMarker}) closes it. The last stable offset — the first offset of the oldest open
 * transaction, or the high watermark when none is open — bounds what read_committed consumers
 * see; aborted transactions go to the index they get with their data.
 *
 * <p>Replication (cluster mode) is {@link #replication()}: the role, the leader's ISR and acks=all
 * waiters, the follower's appends and truncations, with the table of what the partition lock
 * guards there. A single node is a leader whose only replica is itself.
 *
 * <p>Threading: appends, retention, record deletion, role changes, ISR state, follower appends and
 * truncation are serialised by the partition lock (the single append path); reads go straight to the log, which publishes what they may see. After a
 * disk error the partition goes offline: every later append or read fails with
 * KAFKA_STORAGE_ERROR, and nothing already acknowledged is touched. A log found corrupt when it
 * opened ({@link Log#damage()}) keeps the partition offline the same way from the start, until the
 * operator cuts it.
 */
public final class Partition {

    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Log log;
    /** Replaced whole only by a truncation (under the lock); read by read_committed fetches for its aborted index. */
    private volatile ProducerStateTable producers;
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Producers whose first batch of a transaction here is being verified with a remote coordinator,
     * each with the guard of that verification; a marker removes the producer's. Guarded by {@link #lock}.
     */
    private final Map<Long, Object> verificationGuards = new HashMap<>();
    private final HighWatermarkListener listener;
    private volatile String offlineReason;
    /** First offset of the oldest open transaction, or -1; written under the lock, read by fetches. */
    private volatile long firstUnstableOffset = -1;
    /**
     * What this node is for the partition, with its leader epoch (stamped on every batch and
     * marker a leader appends, answered in Metadata, checked against clients' current epochs).
     * Replaced under the lock; read by request handlers. A {@link PartitionRole.Leader}'s state is
     * read and changed under the lock only.
     */
    private final Replication replication;

    Partition(TopicPartition topicPartition, Uuid topicId, Log log, ProducerStateTable producers,
            HighWatermarkListener listener) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.producers = producers;
        this.listener = listener;
        this.firstUnstableOffset = producers.firstUnstableOffset();
        this.offlineReason = log.damage().map(LogDamage::offlineReason).orElse(null);
        this.replication = new Replication(this, log, lock);
    }

    /**
     * Makes this node the partition's leader in a new epoch, one above every epoch its log
     * records, starting at the log end, durably, before the partition serves: what a KRaft
     * controller does at each leader change, done here at every start (see DESIGN.md, "Leader
     * epochs"). A new partition starts at epoch 0. An offline partition keeps its latest epoch and
     * changes nothing on disk.
     */
    void becomeLeader() {
        lock.lock();
        try {
            if (offlineReason != null) {
                return;
            }
            int epoch = log.latestLeaderEpoch().isPresent() ? log.latestLeaderEpoch().getAsInt() + 1 : 0;
            log.assignLeaderEpoch(epoch);
            replication.becomeSolo(epoch);
        } catch (IOException e) {
            storageFailure("leader epoch checkpoint", e);
        } finally {
            lock.unlock();
        }
    }

    /** What rebuilds producer state (and the aborted-transaction index) from a log's batches, at open and after a truncation. */
    static BatchVisitor replayInto(ProducerStateTable producers) {
        return (header, control) -> {
            if (control == null) {
                producers.replay(header);
            } else if (header.hasProducerId()) {
                ControlBatches.Kind kind = ControlBatches.kindOf(control);
                if (kind != ControlBatches.Kind.OTHER) {
                    producers.replayMarker(header, kind == ControlBatches.Kind.COMMIT,
                            ControlBatches.coordinatorEpochOf(control));
                }
            }
        };
    }

    /**
     * Removes every batch at or after {@code offset} from the log ({@link Log#truncateTo}: the log
     * then ends at the start of the batch holding it) and rebuilds the producer state, open
     * transactions and aborted-transaction index from what is left, as a start does. For a replica
     * whose log diverged from its leader's; nothing calls it on a single node. Returns the new log
     * end. A storage error takes the partition offline.
     *
     * <p>Implementation notes: a read_committed fetch racing the truncation may pair the new log
     * with the old aborted-transaction index for a moment; truncation happens above the high
     * watermark (below it only after an unclean election), where such reads never look.
     */
    public long truncateTo(long offset) throws IOException {
        lock.lock();
        try {
            requireOnline();
            try {
                long newEnd = log.truncateTo(offset);
                rebuildProducerState();
                return newEnd;
            } catch (IOException e) {
                storageFailure("truncation", e);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: producer state, open transactions and aborted index rebuilt from the log. */
    void rebuildProducerState() throws IOException {
        ProducerStateTable rebuilt = new ProducerStateTable();
        log.scanBatches(replayInto(rebuilt));
        rebuilt.trimBelow(log.logStartOffset());
        producers = rebuilt;
        firstUnstableOffset = rebuilt.firstUnstableOffset();
    }

    /** The replication side: role changes, the leader's ISR and acks=all waits, follower appends. */
    public Replication replication() {
        return replication;
    }

    /** Without the lock, after the high watermark moved: wakes fetches and completes acks=all waiters it reached. */
    void highWatermarkAdvanced() {
        listener.advanced(topicPartition);
        replication.completeReached();
    }

    /** Under the lock: what replays batches this partition appended into its producer state. */
    BatchVisitor producerReplay() {
        return replayInto(producers);
    }

    /** Under the lock, after a replay or a log start move: producer state below the log start goes, the LSO follows. */
    void producerStateChanged(long logStartOffset) {
        producers.trimBelow(logStartOffset);
        firstUnstableOffset = producers.firstUnstableOffset();
    }

    /** The leader epoch the partition is in (whichever role this node has in it). */
    public int leaderEpoch() {
        return replication.leaderEpoch();
    }

    /** OffsetForLeaderEpoch: where {@code requestedEpoch} ends in this partition's log, by Kafka's rules. */
    public LeaderEpochCache.EpochEndOffset endOffsetForEpoch(int requestedEpoch) {
        return log.endOffsetForEpoch(requestedEpoch);
    }

    /** The leader epoch of the batch holding {@code offset}, or -1 when none is known (ListOffsets). */
    public int epochForOffset(long offset) {
        return log.epochForOffset(offset).orElse(LeaderEpochCache.UNDEFINED_EPOCH);
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
        return append(batch, nowMs, TransactionVerifier.NONE, true);
    }

    /**
     * Checks and appends one produced batch; a transactional batch that would open a transaction
     * here must pass {@code verifier}. {@code abortableErrors} picks Kafka's error for a batch of a
     * transaction that does not include this partition: TRANSACTION_ABORTABLE for clients that
     * know it (Produce v11+), INVALID_TXN_STATE for older ones.
     */
    public AppendOutcome append(ProducedBatch batch, long nowMs, TransactionVerifier verifier, boolean abortableErrors) {
        return append(batch, nowMs, verifier, abortableErrors, false);
    }

    /**
     * As {@link #append(ProducedBatch, long, TransactionVerifier, boolean)}; with {@code acksAll}
     * the batch is refused with NOT_ENOUGH_REPLICAS, before anything is appended, while the ISR is
     * below the effective {@code min.insync.replicas}. Only the leader appends
     * (NOT_LEADER_OR_FOLLOWER otherwise). On a replicated leader an acks=all answer then waits for
     * {@link #awaitReplication}; on a single node, for the flush as before.
     */
    public AppendOutcome append(ProducedBatch batch, long nowMs, TransactionVerifier verifier, boolean abortableErrors,
            boolean acksAll) {
        long visibleBefore = log.highWatermark();
        AppendOutcome outcome = appendLocked(batch, nowMs, verifier, abortableErrors, acksAll);
        if (log.highWatermark() > visibleBefore) {
            highWatermarkAdvanced();
        }
        return outcome;
    }

    private AppendOutcome appendLocked(ProducedBatch batch, long nowMs, TransactionVerifier verifier,
            boolean abortableErrors, boolean acksAll) {
        TopicConfig config = log.config();
        if (batch.sizeInBytes() > config.maxMessageBytes()) {
            return AppendOutcome.failed(Errors.MESSAGE_TOO_LARGE, "Batch of " + batch.sizeInBytes()
                    + " bytes exceeds max.message.bytes " + config.maxMessageBytes() + " of " + topicPartition);
        }
        String badTimestamp = AppendRules.timestampProblem(batch, config, nowMs);
        if (badTimestamp != null) {
            return AppendOutcome.failed(Errors.INVALID_TIMESTAMP, badTimestamp);
        }
        lock.lock();
        try {
            if (offlineReason != null) {
                return AppendOutcome.failed(Errors.KAFKA_STORAGE_ERROR, offlineReason);
            }
            if (!(replication.role() instanceof PartitionRole.Leader leader)) {
                return AppendOutcome.failed(Errors.NOT_LEADER_OR_FOLLOWER, "This node does not lead " + topicPartition);
            }
            LeaderState state = leader.state();
            if (acksAll && state.underMinIsr()) {
                return AppendOutcome.failed(Errors.NOT_ENOUGH_REPLICAS, "The ISR " + state.isr() + " of " + topicPartition
                        + " is below min.insync.replicas " + state.effectiveMinIsr());
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
                AppendOutcome refused = AppendRules.transactionProblem(producers, batch, verifier, abortableErrors,
                        topicPartition);
                if (refused != null) {
                    return refused;
                }
            }
            long baseOffset = log.logEndOffset();
            long appendTime = config.logAppendTime() ? nowMs : -1;
            BatchHeader stamped = batch.stamp(baseOffset, state.leaderEpoch(), appendTime);
            try {
                log.append(stamped, batch.bytes(), nowMs);
                if (state.replicated()) {
                    replication.advanceLeaderHighWatermark(state);
                }
            } catch (IOException e) {
                return AppendOutcome.failed(Errors.KAFKA_STORAGE_ERROR, storageFailure("append", e));
            }
            if (batch.hasProducerId()) {
                producers.record(batch.producerId(), batch.producerEpoch(), new BatchMetadata(batch.baseSequence(),
                        batch.lastSequence(), baseOffset, stamped.lastOffset(), appendTime >= 0 ? appendTime : stamped.maxTimestamp()),
                        batch.isTransactional());
                firstUnstableOffset = producers.firstUnstableOffset();
            }
            return new AppendOutcome(Errors.NONE, null, baseOffset, appendTime, log.logStartOffset(), stamped.nextOffset());
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code producerId} has a transaction open in this partition. */
    public boolean hasOpenTransaction(long producerId) {
        lock.lock();
        try {
            return producers.hasOpenTransaction(producerId);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts verifying, with a coordinator on another node, that {@code producerId}'s transaction
     * includes this partition (KIP-890's verification guard): returns the guard an append made
     * after the answer must still find in place ({@link #holdsVerification}). A marker for the
     * producer removes it, so an answer that predates the marker cannot open a transaction the
     * marker already closed. A verification under way for the producer keeps its guard.
     */
    public Object beginVerification(long producerId) {
        lock.lock();
        try {
            return verificationGuards.computeIfAbsent(producerId, id -> new Object());
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code guard} of {@link #beginVerification} is still in place for {@code producerId}. */
    public boolean holdsVerification(long producerId, Object guard) {
        lock.lock();
        try {
            return verificationGuards.get(producerId) == guard;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends the coordinator's COMMIT or ABORT marker for {@code producerId}: its transaction here
     * (if one is open) ends, and the marker's epoch fences older epochs of the producer. The
     * outcome's end offset is what must be durable before the transaction may complete.
     */
    public AppendOutcome appendMarker(long producerId, short producerEpoch, boolean commit, long nowMs) {
        return appendMarker(producerId, producerEpoch, commit, ControlBatches.COORDINATOR_EPOCH, nowMs);
    }

    /**
     * {@link #appendMarker(long, short, boolean, long)} from the coordinator of {@code coordinatorEpoch}:
     * refused with TRANSACTION_COORDINATOR_FENCED when this replica's log holds a marker for the
     * producer from a newer coordinator epoch (Kafka's rule).
     */
    public AppendOutcome appendMarker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch,
            long nowMs) {
        long visibleBefore = log.highWatermark();
        AppendOutcome outcome;
        lock.lock();
        try {
            if (offlineReason != null) {
                return AppendOutcome.failed(Errors.KAFKA_STORAGE_ERROR, offlineReason);
            }
            if (!(replication.role() instanceof PartitionRole.Leader leader)) {
                return AppendOutcome.failed(Errors.NOT_LEADER_OR_FOLLOWER, "This node does not lead " + topicPartition);
            }
            short current = producers.epochOf(producerId);
            if (producerEpoch < current) {
                return AppendOutcome.failed(Errors.INVALID_PRODUCER_EPOCH, "Marker epoch " + producerEpoch
                        + " of producer " + producerId + " is older than its epoch " + current + " in " + topicPartition);
            }
            if (producers.isCoordinatorFenced(producerId, coordinatorEpoch)) {
                return AppendOutcome.failed(Errors.TRANSACTION_COORDINATOR_FENCED, "Marker of coordinator epoch "
                        + coordinatorEpoch + " for producer " + producerId + " is older than coordinator epoch "
                        + producers.coordinatorEpochOf(producerId).orElse(-1) + " seen in " + topicPartition);
            }
            long baseOffset = log.logEndOffset();
            ByteBuffer marker = ControlBatches.marker(baseOffset, nowMs, leader.leaderEpoch(), producerId, producerEpoch,
                    commit, coordinatorEpoch);
            BatchHeader header = ControlBatches.header(marker);
            try {
                log.append(header, marker, nowMs);
                if (leader.state().replicated()) {
                    replication.advanceLeaderHighWatermark(leader.state());
                }
            } catch (IOException e) {
                return AppendOutcome.failed(Errors.KAFKA_STORAGE_ERROR, storageFailure("marker append", e));
            }
            producers.completeTransaction(producerId, producerEpoch, commit, baseOffset, nowMs);
            producers.coordinatorEpochTaken(producerId, coordinatorEpoch);
            verificationGuards.remove(producerId);
            firstUnstableOffset = producers.firstUnstableOffset();
            outcome = new AppendOutcome(Errors.NONE, null, baseOffset, -1, log.logStartOffset(), header.nextOffset());
        } finally {
            lock.unlock();
        }
        if (log.highWatermark() > visibleBefore) {
            highWatermarkAdvanced();
        } else if (firstUnstableOffset < 0) {
            listener.advanced(topicPartition);
        }
        return outcome;
    }

    String storageFailure(String what, IOException e) {
        String reason = "Storage error during " + what + " on " + topicPartition + ": " + e;
        LOG.error("{}; the partition is offline until restart, acknowledged data is untouched", reason, e);
        offlineReason = reason;
        replication.failWaiters(Errors.KAFKA_STORAGE_ERROR);
        return reason;
    }

    /**
     * A storage error outside the append path (the log cleaner's swap) on this partition: it goes
     * offline like after any other storage error, every later append or read failing with
     * KAFKA_STORAGE_ERROR until restart.
     */
    public void storageFailed(String what, IOException e) {
        storageFailure(what, e);
    }

    /** Forces appended data to disk (group commit); returns the durable end offset. */
    public long flush(long nowMs) throws IOException {
        if (offlineReason != null) {
            throw new IOException(offlineReason);
        }
        long visibleBefore = log.highWatermark();
        try {
            long durable = log.flush(nowMs);
            if (log.highWatermarkFromReplicas() && replication.waitsForReplicas()) {
                replication.advanceLeaderHighWatermarkLocked();
            }
            if (log.highWatermark() > visibleBefore) {
                highWatermarkAdvanced();
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

    /** What a read_committed fetch returns: the data and the aborted transactions that overlap it. */
    public record CommittedRead(ReadResult read, List<AbortedTransactions.Entry> abortedTransactions) {
    }

    /**
     * Reads for a read_committed consumer, bounded by {@code lastStableOffset}, with the aborted
     * transactions the data overlaps (none when there is no data). Data and index entries are
     * taken from the same state of the log: a cleaner swap that removes ABORT markers removes
     * their index entries in the same step, and a read that overlapped one is repeated (swaps are
     * rare and that step is short), so a consumer never gets aborted data without its entry nor
     * an entry whose marker is gone.
     */
    public CommittedRead readCommitted(long offset, int maxBytes, boolean minOneBatch, long lastStableOffset)
            throws IOException, OffsetOutOfRangeException {
        requireOnline();
        while (true) {
            long swaps = log.swapSequence();
            if ((swaps & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            ReadResult read = log.read(offset, maxBytes, minOneBatch, lastStableOffset);
            List<AbortedTransactions.Entry> aborted = read.slice() == null ? List.of()
                    : producers.aborted().overlapping(offset, read.upperBoundOffset());
            if (log.swapSequence() == swaps) {
                return new CommittedRead(read, aborted);
            }
        }
    }

    /**
     * The last stable offset: no transaction open below it, and at most the high watermark.
     * Reads the high watermark first: a transaction that starts below it was registered before
     * the data became visible, so it cannot be missed.
     */
    public long lastStableOffset() {
        long hw = log.highWatermark();
        long unstable = firstUnstableOffset;
        return unstable >= 0 ? Math.min(unstable, hw) : hw;
    }

    /** The aborted transactions a read_committed fetch from {@code fetchOffset} up to {@code upperBoundOffset} must report. */
    public List<AbortedTransactions.Entry> abortedTransactions(long fetchOffset, long upperBoundOffset) {
        return producers.aborted().overlapping(fetchOffset, upperBoundOffset);
    }

    /**
     * The log cleaner removed these ABORT markers, {producer id, marker offset} each (their
     * transactions' data went before): their index entries go too. Called by the cleaner's swap;
     * takes no partition lock (the index is thread-safe).
     */
    public void forgetAbortedTransactions(List<long[]> markers) {
        for (long[] marker : markers) {
            producers.aborted().remove(marker[0], marker[1]);
        }
    }

    /** Every producer's state here (DescribeProducers). */
    public List<ProducerSnapshot> producerSnapshot() {
        lock.lock();
        try {
            return producers.snapshot();
        } finally {
            lock.unlock();
        }
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

    void requireOnline() throws IOException {
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
                verificationGuards.keySet().removeIf(producerId -> producers.epochOf(producerId) < 0);
                producers.trimBelow(log.logStartOffset());
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

    /** The topic configuration in force for this partition. */
    public TopicConfig config() {
        return log.config();
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

    /** The partition's log, for the log cleaner (which reads closed segments and swaps cleaned ones in). */
    public Log log() {
        return log;
    }

    /** The last data offset of each producer with state here: the cleaner keeps those batches. */
    public java.util.Map<Long, Long> producerLastDataOffsets() {
        lock.lock();
        try {
            return producers.lastDataOffsets();
        } finally {
            lock.unlock();
        }
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

    /** Why the partition is offline (a storage error, corruption awaiting an operator), or null when it serves. */
    public String offlineReason() {
        return offlineReason;
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
