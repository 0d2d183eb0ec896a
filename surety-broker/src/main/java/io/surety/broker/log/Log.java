package io.surety.broker.log;

import io.surety.broker.config.TopicConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition's log: ordered {@link LogSegment}s holding record batches, the offsets that bound
 * it, and the high watermark up to which consumers may read. It appends, reads and keeps the
 * segment list; opening ({@link LogLoader}), the checkpoint files ({@link CheckpointStore}), the
 * cleaner's swap ({@link SegmentReplacement}), truncation ({@link LogTruncation}), retention and
 * log-start moves ({@link LogRetention}) and lookups by timestamp ({@link TimestampLookup}) are
 * done by classes of their own.
 *
 * <p>Threading: one writer at a time — the owning partition's append path, which calls
 * {@link #append}, {@link #applyRetention}, {@link #deleteRecordsBefore}, {@link #close} under its
 * lock. {@link #flush} may run on the group-commit flusher concurrently with appends: it forces
 * bytes up to a snapshot of the log end, which only ever grows. Reads run on any thread and see only
 * published state (volatile fields holding immutable values, the concurrent segment map).
 *
 * <p>Compaction: the log cleaner reads closed segments without any lock and swaps a cleaned
 * segment in with {@link #replaceSegments}. Changes to the closed segments (retention, record
 * deletion, a swap, a truncation, closing) are serialised by a structure lock that appends never take, so
 * cleaning never blocks an append; a read that raced a swap still reads the old segment's file,
 * which is closed only after {@code file.delete.delay.ms}.
 *
 * <p>What guards what ("writer": the caller's partition lock, which every writer-only method
 * requires; lock order: partition lock, then structure lock; the log never takes the former):
 *
 * <pre>
 *  state                                 changed by                           guarded by
 *  end (log end), the active segment's   append, roll                         writer
 *    bytes, adding a segment at the end
 *  removing or replacing closed          retention, deleteRecordsBefore       structure lock (and the writer,
 *    segments in segments                (LogRetention), cleaner swap           except for the swap)
 *                                        (SegmentReplacement)
 *  removing segments and cutting one    truncateTo, truncateFullyAndStartAt  writer + structure lock + flush lock
 *                                        (LogTruncation)
 *  logStartOffset, log-start-offset      retention, deleteRecordsBefore       writer + structure lock
 *                                        (LogRetention),
 *                                        truncateFullyAndStartAt
 *                                        (LogTruncation)
 *  leaderEpochs, leader-epoch-checkpoint assignLeaderEpoch, append (a new      writer (log start moves and truncation:
 *                                        epoch), log start moves                also the structure lock)
 *                                        (LogRetention), truncation
 *                                        (LogTruncation)
 *  truncation count (LogTruncation)      truncateTo, truncateFullyAndStartAt  structure lock
 *  closed (no more changes by path)      close, markDeleted,                  structure lock
 *                                        closeWithoutFlush, failed swap
 *  swap sequence (SegmentReplacement)    cleaner swap                         structure lock
 *  firstDirtyOffset, cleaner-checkpoint  recordCleanedUpTo (cleaner thread)   structure lock
 *  highWatermark                         append (interval policy),            writer, resp. flush; one policy
 *                                        flush (fsync policy); with             never uses both; set from the
 *                                        replicas: advanceHighWatermarkTo     replicas: writer only
 *  highWatermarkFromReplicas             setHighWatermarkFromReplicas,        writer + flush lock
 *                                        startHighWatermarkFromReplicasAt
 *  flushedOffset, lastFlushMs            flush (flusher thread; close),       flush lock: flush forces up to a snapshot
 *                                        truncation (lowers it)                 of end, safe beside appends
 *  recovery-point                        open, checkpointRecoveryPoint        recovery-point lock (open: before
 *                                        (checkpoint timer), close,             publication), so the timer never
 *                                        truncation (lowers it)                 raises it past a truncation; the
 *                                                                               timer also holds the structure lock,
 *                                                                               never writing once closed
 *  config                                updateConfig                         none (one volatile write)
 *  damage                                open                                 final
 * </pre>
 *
 * The classes that change the log for it ({@link SegmentReplacement}, {@link LogTruncation},
 * {@link LogRetention}) take these locks only through it ({@link #underStructureLock},
 * {@link #underStructureLockIfFree}, {@link #underFlushLock}, {@link #lowerCheckpointsTo}), so
 * every lock is declared, and taken, in this class.
 *
 * <p>Readers take no lock; the fields they read are volatile, and a reader that needs the segments
 * and the state kept beside the log at one moment checks {@link #swapSequence}.
 *
 * <p>Durability: with {@code visibleOnFlush} the high watermark advances only when {@link #flush}
 * has forced the bytes to disk, so nothing a consumer has seen can vanish in a power loss. Without
 * it, the high watermark follows the log end, as in Kafka with the page cache.
 *
 * <p>Files in the partition directory: segment files (see {@link SegmentFiles}) and the
 * checkpoint files {@code recovery-point}, {@code log-start-offset}, {@code cleaner-checkpoint}
 * and {@code leader-epoch-checkpoint} ({@link CheckpointStore}, {@link LeaderEpochCache}). A swap
 * interrupted by a crash is finished or undone at start ({@link SegmentSwap}).
 *
 * <p>Implementation notes: a truncation ({@link #truncateTo}, done by {@link LogTruncation}) is a
 * writer-only method that also takes the structure lock, since it removes closed segments, and
 * the flush lock, so no flush forces (and publishes as durable) a snapshot of the old end; it
 * lowers the recovery point and the cleaner checkpoint first and moves {@link #swapSequence} like
 * a swap, since it changes which segments reads see. Lock order: partition lock, structure lock,
 * flush lock, recovery-point lock.
 */
public final class Log {

    private static final Logger LOG = LoggerFactory.getLogger(Log.class);

    private final Path dir;
    private final FsyncLedger ledger;
    private final CheckpointStore checkpoints;
    private final boolean visibleOnFlush;
    private final SegmentCloser closer;
    private final SegmentChannels channels;
    private final SegmentReplacement replacement;
    private final LogTruncation truncation;
    private final LogRetention retention;
    /** The corruption found at open, or null; the log is then closed to every change. */
    private final LogDamage damage;
    /** By base offset. Readers use it unlocked; who changes which entries: see the table above. */
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private volatile TopicConfig config;

    // Writer.
    private volatile LogPosition end;
    // Writer, or flush (see the table).
    private volatile LogPosition highWatermark;
    // Writer, under the flush lock: the high watermark is set by the partition from its replicas.
    private volatile boolean highWatermarkFromReplicas;
    // Writer + structure lock.
    private volatile long logStartOffset;
    // Writer (assignments, appends); writer + structure lock (log start moves). Replaced whole.
    private volatile LeaderEpochCache leaderEpochs;
    // Flush.
    private volatile long flushedOffset;
    private long lastFlushMs;

    /** Serialises changes to closed segments: retention, record deletion, cleaner swaps, truncation, closing. */
    private final ReentrantLock structureLock = new ReentrantLock();
    /** Keeps a flush (which forces a snapshot of the end) out of a truncation. */
    private final ReentrantLock flushLock = new ReentrantLock();
    /** Keeps the periodic recovery-point write from raising it again while a truncation lowers it. */
    private final ReentrantLock recoveryPointLock = new ReentrantLock();
    // Structure lock.
    private boolean closed;
    private volatile long firstDirtyOffset;

    private Log(Path dir, TopicConfig config, LogEnvironment environment, CheckpointStore checkpoints,
            LogLoader.LoadedLog loaded, long nowMs) {
        this.dir = dir;
        this.config = config;
        this.ledger = environment.ledger();
        this.checkpoints = checkpoints;
        this.visibleOnFlush = environment.visibleOnFlush();
        this.closer = environment.closer();
        this.channels = environment.channels();
        this.segments = loaded.segments();
        this.damage = loaded.damage().orElse(null);
        // A corrupt log is closed to every change from the start.
        this.closed = damage != null;
        LogSegment active = segments.lastEntry().getValue();
        this.end = new LogPosition(active.nextOffset(), active, active.size());
        this.highWatermark = end;
        this.flushedOffset = end.offset();
        this.lastFlushMs = nowMs;
        this.logStartOffset = loaded.logStartOffset();
        this.firstDirtyOffset = loaded.firstDirtyOffset();
        this.leaderEpochs = loaded.leaderEpochs();
        this.replacement = new SegmentReplacement(this, ledger, channels);
        this.truncation = new LogTruncation(this, segments, replacement, checkpoints, ledger, channels);
        this.retention = new LogRetention(this, segments, checkpoints);
    }

    /** Closes the channels of deleted segments after a delay, so in-flight sends of their bytes finish. */
    public interface SegmentCloser {
        void closeLater(Runnable close, long delayMs);
    }

    /**
     * Opens (or creates) the log in {@code dir}. Segments from the one holding the recovery point on
     * are CRC-checked, the others (all of them with {@code cleanShutdown}) have their headers
     * checked. A torn tail is cut; corruption leaves the files untouched and the log offline
     * ({@link #damage()}). {@code visitor} sees every kept batch header in offset order (the
     * producer state is rebuilt from it).
     */
    public static Log open(Path dir, TopicConfig config, LogEnvironment environment, boolean cleanShutdown, long nowMs,
            Consumer<BatchHeader> visitor) throws IOException {
        return open(dir, config, environment, cleanShutdown, nowMs, (header, control) -> visitor.accept(header));
    }

    /** As {@link #open(Path, TopicConfig, LogEnvironment, boolean, long, Consumer)}, control batches with their bytes. */
    public static Log open(Path dir, TopicConfig config, LogEnvironment environment, boolean cleanShutdown, long nowMs,
            BatchVisitor visitor) throws IOException {
        Files.createDirectories(dir);
        CheckpointStore checkpoints = new CheckpointStore(dir, environment.ledger());
        LogLoader loader = new LogLoader(dir, config, environment.ledger(), environment.channels(), checkpoints);
        return new Log(dir, config, environment, checkpoints, loader.load(cleanShutdown, nowMs, visitor), nowMs);
    }

    /**
     * The corruption found when the log opened, which keeps it offline: nothing is appended, read,
     * cleaned, deleted or checkpointed, and no file is changed, until the operator cuts it with
     * {@link #truncateCorruption} and the broker starts again. Empty when the log opened whole.
     */
    public Optional<LogDamage> damage() {
        return Optional.ofNullable(damage);
    }

    /**
     * What {@code bin/surety recover --truncate} does, with no broker running: opens the log in
     * {@code dir} the way a start would ({@code cleanShutdown} as the data directory says), and if
     * it is corrupt cuts it at the damage, deleting every later segment (see
     * {@link LogRecovery#truncate}), and returns the damage that was cut. Empty, with nothing
     * changed, when the log is not corrupt (a torn tail is left for the start to cut).
     */
    public static Optional<LogDamage> truncateCorruption(Path dir, TopicConfig config, boolean cleanShutdown)
            throws IOException {
        return LogLoader.truncateCorruption(dir, config, cleanShutdown);
    }

    /**
     * Writer only. Appends one batch whose header already carries its final offsets (base offset =
     * {@link #logEndOffset()}), rolling to a new segment first when the active one is full or old.
     * On an I/O error the partial write is cut off again and the log is unchanged.
     */
    public void append(BatchHeader batch, ByteBuffer bytes, long nowMs) throws IOException {
        LogSegment active = end.segment();
        TopicConfig cfg = config;
        if (active.size() > 0 && (active.size() + (long) batch.sizeInBytes() > cfg.segmentBytes()
                || nowMs - active.createdMs() >= cfg.rollMs())) {
            active = roll(nowMs);
        }
        int positionBefore = active.size();
        try {
            active.append(batch, bytes, cfg.indexIntervalBytes());
        } catch (IOException e) {
            active.truncateToPosition(positionBefore);
            throw e;
        }
        LogPosition newEnd = new LogPosition(batch.nextOffset(), active, active.size());
        end = newEnd;
        if (!visibleOnFlush && !highWatermarkFromReplicas) {
            highWatermark = newEnd;
        }
        // Changes only at the first batch of an epoch nobody assigned (a leader assigns its epoch first).
        publishLeaderEpochs(leaderEpochs.extendedBy(batch.partitionLeaderEpoch(), batch.baseOffset()));
    }

    // ---------------------------------------------------------------- leader epochs

    /**
     * Writer only. Records, durably, that leader epoch {@code epoch} begins at the log end, before
     * anything is appended in it: what a replica does when it becomes leader. Nothing happens when
     * it is already the latest epoch. Throws IllegalArgumentException for an epoch below the
     * latest one, IOException when the log is corrupt or the checkpoint cannot be written.
     */
    public void assignLeaderEpoch(int epoch) throws IOException {
        if (damage != null) {
            throw new IOException("Log " + dir + " is corrupt");
        }
        publishLeaderEpochs(leaderEpochs.assign(epoch, end.offset()));
    }

    /**
     * Writer only. Drops the leader epochs that start at or after {@code offset} but hold no batch
     * (it is at or past the log end): what a follower does when the leader's DivergingEpoch says
     * its log ends inside an older epoch than the latest it knows, one it led without appending.
     * Otherwise its next fetch would name that empty epoch again and never make progress.
     */
    public void forgetEmptyLeaderEpochsFrom(long offset) throws IOException {
        if (offset >= end.offset()) {
            publishLeaderEpochs(leaderEpochs.truncatedFromEnd(end.offset()));
        }
    }

    /** The leader epochs as they are now (immutable). */
    public LeaderEpochCache leaderEpochs() {
        return leaderEpochs;
    }

    /** The latest leader epoch, if any was ever assigned or written. */
    public OptionalInt latestLeaderEpoch() {
        return leaderEpochs.latestEpoch();
    }

    /** OffsetForLeaderEpoch for this log: see {@link LeaderEpochCache#endOffsetFor}. */
    public LeaderEpochCache.EpochEndOffset endOffsetForEpoch(int requestedEpoch) {
        LeaderEpochCache epochs = leaderEpochs;
        return epochs.endOffsetFor(requestedEpoch, end.offset());
    }

    /** The leader epoch that wrote {@code offset} (the latest epoch starting at or before it), if known. */
    public OptionalInt epochForOffset(long offset) {
        return leaderEpochs.epochForOffset(offset);
    }

    private LogSegment roll(long nowMs) throws IOException {
        LogSegment old = end.segment();
        old.flush();
        LogSegment next = LogSegment.create(dir, end.offset(), ledger, channels, nowMs);
        segments.put(next.baseOffset(), next);
        end = new LogPosition(end.offset(), next, 0);
        LOG.debug("Rolled {} to a new segment at offset {}", dir.getFileName(), next.baseOffset());
        return next;
    }

    /**
     * Forces everything appended so far to disk and, when visibility waits for durability, advances
     * the high watermark to it. Safe to call from the flusher concurrently with appends. Returns the
     * offset that is now durable.
     */
    public long flush(long nowMs) throws IOException {
        flushLock.lock();
        try {
            LogPosition target = end;
            if (target.offset() > flushedOffset) {
                target.segment().flush();
                flushedOffset = target.offset();
            }
            lastFlushMs = nowMs;
            if (visibleOnFlush && !highWatermarkFromReplicas && target.offset() > highWatermark.offset()) {
                highWatermark = target;
            }
            return target.offset();
        } finally {
            flushLock.unlock();
        }
    }

    // ---------------------------------------------------------------- replication

    /**
     * Writer only. With {@code fromReplicas} the high watermark stops following this log's own end
     * (the log end, or the durable end under {@code flush.policy=fsync}) and moves only through
     * {@link #advanceHighWatermarkTo}: what a replicated leader and a follower do. Without it, the
     * single-node rule is back; under the interval policy the high watermark is the log end at
     * once, under fsync too when everything appended is durable, else the next flush moves it.
     * Never lowers the high watermark.
     *
     * <p>Implementation notes: the switch is made under the flush lock, so a flush that read the
     * old setting never publishes its durable end after it.
     */
    public void setHighWatermarkFromReplicas(boolean fromReplicas) {
        flushLock.lock();
        try {
            highWatermarkFromReplicas = fromReplicas;
            if (!fromReplicas && (!visibleOnFlush || flushedOffset == end.offset())) {
                // Under fsync with everything durable (a replica that opened below its end from the
                // checkpoint and now leads alone): visible at once rather than at the next flush.
                highWatermark = end;
            }
        } finally {
            flushLock.unlock();
        }
    }

    /**
     * Writer only, before the log serves: the high watermark is set from the replicas from now on
     * ({@link #setHighWatermarkFromReplicas}) and starts at {@code offset} clamped to [log start,
     * log end] — a replica of a cluster opening, with the value its node checkpointed last (Kafka's
     * {@code replication-offset-checkpoint}), or the log start when none was. Unlike every other
     * change of the high watermark this one may lower it: at open it is the log end, which may hold
     * records no other replica has.
     */
    public void startHighWatermarkFromReplicasAt(long offset) throws IOException {
        flushLock.lock();
        try {
            highWatermarkFromReplicas = true;
            highWatermark = positionAt(Math.max(logStartOffset, Math.min(offset, end.offset())));
        } finally {
            flushLock.unlock();
        }
    }

    /** Whether the high watermark is set from the replicas ({@link #setHighWatermarkFromReplicas}). */
    public boolean highWatermarkFromReplicas() {
        return highWatermarkFromReplicas;
    }

    /**
     * Writer only, with the high watermark set from the replicas: moves it up to {@code offset}
     * (at most the log end; an offset at or below the current one changes nothing). Returns whether
     * it moved. {@code offset} is where a batch starts or the log end, as every replica's fetch
     * offset is.
     */
    public boolean advanceHighWatermarkTo(long offset) throws IOException {
        LogPosition current = highWatermark;
        if (offset <= current.offset()) {
            return false;
        }
        highWatermark = positionAt(offset);
        return true;
    }

    /** Where a high watermark at {@code offset} (at most the log end) lies: the start of the batch holding it. */
    private LogPosition positionAt(long offset) throws IOException {
        LogPosition logEnd = end;
        if (offset >= logEnd.offset()) {
            return logEnd;
        }
        Map.Entry<Long, LogSegment> floor = segments.floorEntry(offset);
        LogSegment segment = floor != null ? floor.getValue() : segments.firstEntry().getValue();
        int position = segment.positionOf(offset, segment.size());
        return new LogPosition(offset, segment, position >= 0 ? position : segment.size());
    }

    /**
     * What this log alone would make visible: its end, or under {@code flush.policy=fsync} its
     * durable end. A replicated leader's contribution to the high watermark.
     */
    public long localHighWatermark() {
        return visibleOnFlush ? flushedOffset : end.offset();
    }

    /** Everything below this offset has been forced to disk (a follower under fsync reports only this far). */
    public long durableEndOffset() {
        return flushedOffset;
    }

    /** Whether appended bytes have waited longer than {@code flush.ms} for an fsync (interval policy). */
    public boolean flushDue(long nowMs) {
        return end.offset() > flushedOffset && nowMs - lastFlushMs >= config.flushMs();
    }

    /**
     * Records the recovery point: every batch below it is durable and need not be CRC-checked at
     * start. Does nothing once the log is closed to changes by path: a deleted log's directory has
     * been moved aside and its old name may already hold a new topic's partition, whose recovery
     * point this must never become. The check and the write hold the structure lock, under which
     * {@link #markDeleted} closes the log before the directory moves.
     */
    public void checkpointRecoveryPoint() throws IOException {
        if (damage != null) {
            return;
        }
        structureLock.lock();
        try {
            if (!closed) {
                writeRecoveryPoint();
            }
        } finally {
            structureLock.unlock();
        }
    }

    private void writeRecoveryPoint() throws IOException {
        recoveryPointLock.lock();
        try {
            checkpoints.writeRecoveryPoint(flushedOffset);
        } finally {
            recoveryPointLock.unlock();
        }
    }

    /**
     * Reads up to {@code maxBytes} starting at the batch that contains {@code offset}, never past the
     * high watermark. With {@code minOneBatch} the first batch is returned whole even if larger than
     * {@code maxBytes}; otherwise a too-large first batch gives an empty result. The last batch may
     * be cut short, as in Kafka; clients drop a partial trailing batch.
     */
    public ReadResult read(long offset, int maxBytes, boolean minOneBatch) throws IOException, OffsetOutOfRangeException {
        return read(offset, maxBytes, minOneBatch, Long.MAX_VALUE);
    }

    /**
     * As {@link #read(long, int, boolean)}, but also never at or past {@code maxOffset}, which must
     * be a batch's base offset (read_committed reads stop at the last stable offset, where an open
     * transaction's first batch starts).
     */
    public ReadResult read(long offset, int maxBytes, boolean minOneBatch, long maxOffset)
            throws IOException, OffsetOutOfRangeException {
        LogPosition hw = highWatermark;
        return read(offset, maxBytes, minOneBatch, maxOffset, hw, hw.offset());
    }

    /**
     * As {@link #read(long, int, boolean)}, but up to the log end rather than the high watermark:
     * what a follower's fetch reads (the result still reports the high watermark).
     */
    public ReadResult readForReplica(long offset, int maxBytes, boolean minOneBatch)
            throws IOException, OffsetOutOfRangeException {
        long hwOffset = highWatermark.offset();
        return read(offset, maxBytes, minOneBatch, Long.MAX_VALUE, end, hwOffset);
    }

    /** Reads below {@code upTo} (the high watermark, or the log end for a follower); reports {@code hwOffset}. */
    private ReadResult read(long offset, int maxBytes, boolean minOneBatch, long maxOffset, LogPosition upTo,
            long hwOffset) throws IOException, OffsetOutOfRangeException {
                long start = logStartOffset;
        LogPosition logEnd = end;
        if (offset < start || offset > logEnd.offset()) {
            throw new OffsetOutOfRangeException("Offset " + offset + " is outside [" + start + ", " + logEnd.offset() + "]");
        }
        long bound = Math.min(upTo.offset(), maxOffset);
        if (offset >= bound) {
            return new ReadResult(null, hwOffset, start, logEnd.offset(), bound);
        }
        Map.Entry<Long, LogSegment> entry = segments.floorEntry(offset);
        while (entry != null) {
            LogSegment segment = entry.getValue();
            if (segment.baseOffset() > upTo.offset() || segment.baseOffset() >= bound) {
                break;
            }
            int limit = limitIn(segment, upTo, bound);
            int position = segment.positionOf(offset, limit);
            if (position >= 0) {
                int available = limit - position;
                int size = Math.min(available, maxBytes);
                if (minOneBatch) {
                    size = Math.max(size, Math.min(available, segment.headerAt(position).sizeInBytes()));
                } else if (size < segment.headerAt(position).sizeInBytes()) {
                    size = 0;
                }
                FileSlice slice = size == 0 ? null : new FileSlice(segment.channel(), position, size);
                return new ReadResult(slice, hwOffset, start, logEnd.offset(), Math.min(bound, segment.nextOffset()));
            }
            entry = segments.higherEntry(entry.getKey());
        }
        return new ReadResult(null, hwOffset, start, logEnd.offset(), bound);
    }

    /** The byte limit of a read in {@code segment}: the high watermark, or the batch starting at {@code bound}. */
    private static int limitIn(LogSegment segment, LogPosition hw, long bound) throws IOException {
        int limit = segment == hw.segment() ? hw.position() : segment.size();
        if (bound < hw.offset() && bound < segment.nextOffset()) {
            int at = segment.positionOf(bound, limit);
            if (at >= 0) {
                limit = at;
            }
        }
        return limit;
    }

    /**
     * The first batch (whole, as bytes) whose largest timestamp is at or after {@code timestamp},
     * below the high watermark; null if none. The caller finds the exact record inside it.
     */
    public ByteBuffer firstBatchAtOrAfterTimestamp(long timestamp) throws IOException {
        return TimestampLookup.firstBatchAtOrAfter(segments.values(), highWatermark, logStartOffset, timestamp);
    }

    /** The batch (whole, as bytes) holding the largest timestamp below the high watermark; null if empty. */
    public ByteBuffer batchWithMaxTimestamp() throws IOException {
        return TimestampLookup.batchWithMaxTimestamp(segments.values(), highWatermark);
    }

    /** Writer only. Visits headers of batches from the log start to the log end (state rebuilds). */
    public void scanHeaders(Consumer<BatchHeader> visitor) throws IOException {
        for (LogSegment segment : segments.values()) {
            segment.scan(0, segment.size(), (batch, position) -> visitor.accept(batch));
        }
    }

    /**
     * Writer only. Visits every batch from the first segment to the log end, in offset order,
     * control batches with their whole bytes, as the open does (state rebuilds after a truncation).
     */
    public void scanBatches(BatchVisitor visitor) throws IOException {
        for (LogSegment segment : segments.values()) {
            int limit = segment.size();
            int position = 0;
            while (position + BatchHeader.SIZE <= limit) {
                BatchHeader batch = segment.headerAt(position);
                visitor.visit(batch, batch.isControl() ? segment.readBatch(position) : null);
                position += batch.sizeInBytes();
            }
        }
    }

    /**
     * Writer only. Deletes closed segments that fall outside retention by time or by size, or wholly
     * below the log start offset, and moves the log start offset to the first remaining segment.
     * Returns how many segments went; does nothing (0) while a cleaner swap is under way.
     */
    public int applyRetention(long nowMs) throws IOException {
        return retention.applyRetention(nowMs);
    }

    /**
     * Writer only. Moves the log start to {@code offset} (the caller keeps it at most the high
     * watermark), durably, and drops the segments wholly below it.
     */
    public void deleteRecordsBefore(long offset, long nowMs) throws IOException {
        retention.deleteRecordsBefore(offset, nowMs);
    }

    /** Under the structure lock: removes {@code segment} from the log, deletes its files and closes it later. */
    void deleteSegment(LogSegment segment) throws IOException {
        segments.remove(segment.baseOffset());
        segment.deleteFiles();
        closeLater(segment);
        LOG.info("Deleted segment {} (log start now beyond offset {})", segment, segment.nextOffset() - 1);
    }

    /** Closes a segment that left the log once in-flight sends of its bytes have had time to finish. */
    void closeLater(LogSegment segment) {
        closer.closeLater(() -> {
            try {
                segment.close();
            } catch (IOException e) {
                LOG.warn("Could not close deleted segment {}", segment, e);
            }
        }, config.fileDeleteDelayMs());
    }

    // ---------------------------------------------------------------- truncation

    /**
     * Writer only. Removes every batch holding an offset at or after {@code offset} (a replica
     * whose log diverged from its leader's): the log then ends at the base offset of the first
     * batch removed, which is at most {@code offset} (a batch is never split), or at
     * {@code offset} itself when it falls in a cleaner's offset gap. Does nothing when
     * {@code offset} is at or past the log end; below the log start it is
     * {@link #truncateFullyAndStartAt}. The leader epochs starting at or after the new end go, as
     * in Kafka; the indexes, the high watermark, the cleaner checkpoint and the recovery point
     * follow. The caller rebuilds what it keeps beside the log (producer state, aborted
     * transactions). Returns the new log end.
     *
     * <p>Crash safety: the recovery point and the cleaner checkpoint are lowered durably first;
     * then segments go from the last one backwards, each unlink made durable, and the cut segment
     * is cut and forced. A crash at any step leaves the log a prefix of what it was, never shorter
     * than the new end, with no hole below its end; once this returns the removed batches never
     * come back, even after a power loss. A closed segment that is cut (it may hold the cleaner's
     * offset gaps, which only closed segments may) is never left as the last one: its successor is
     * emptied before and replaced by an empty segment at the new end after.
     *
     * <p>Takes the structure lock (waiting for a cleaner swap) and keeps flushes out; a cleaner
     * pass that began before it has its swaps refused ({@link #truncationCount}).
     */
    public long truncateTo(long offset) throws IOException {
        return truncation.truncateTo(offset);
    }

    /**
     * Writer only. Removes every segment and starts the log empty at {@code offset}, which becomes
     * the log start (a replica far behind its leader's log start). The leader epochs keep only the
     * latest one, starting at {@code offset} (Kafka clears them; keeping the latest keeps epochs
     * from ever going back on this node). Crash safety as {@link #truncateTo}: segments go from the
     * last one backwards, the first is emptied, and the log start is recorded before the empty
     * segment moves to {@code offset}.
     */
    public void truncateFullyAndStartAt(long offset) throws IOException {
        truncation.truncateFullyAndStartAt(offset);
    }

    /** The number of truncations so far; a cleaner pass reads it before reading anything. */
    public long truncationCount() {
        return truncation.truncationCount();
    }

    // ---------------------------------------------------------------- compaction

    /**
     * The closed segments (all but the active one), oldest first, as they are now. The cleaner
     * may read any of them; whether one is still there is checked again at the swap.
     */
    public List<SegmentInfo> closedSegments() {
        List<SegmentInfo> out = new ArrayList<>();
        LogSegment active = end.segment();
        Map.Entry<Long, LogSegment> entry = segments.firstEntry();
        while (entry != null && entry.getValue() != active) {
            LogSegment segment = entry.getValue();
            Long next = segments.higherKey(entry.getKey());
            if (next == null) {
                break;
            }
            out.add(new SegmentInfo(segment.baseOffset(), next, segment.size(), segment.maxTimestamp(),
                    segment.createdMs()));
            entry = segments.higherEntry(entry.getKey());
        }
        return out;
    }

    /**
     * Reads the batches of the closed segment starting at {@code baseOffset} whole, one at a time,
     * through {@code buffer} (returned, possibly grown). Returns null when the segment is no longer
     * in the log (retention took it).
     */
    public ByteBuffer readSegment(long baseOffset, ByteBuffer buffer, BatchReader reader) throws IOException {
        LogSegment segment = segments.get(baseOffset);
        if (segment == null || segment == end.segment()) {
            return null;
        }
        return segment.forEachBatch(buffer, reader);
    }

    /** The first batch header of the closed segment at {@code baseOffset}, or null if it is empty or gone. */
    public BatchHeader firstBatchOf(long baseOffset) throws IOException {
        LogSegment segment = segments.get(baseOffset);
        return segment == null || segment.size() < BatchHeader.SIZE ? null : segment.headerAt(0);
    }

    /** Starts the rewritten form of the group of closed segments that begins at {@code baseOffset}. */
    public CleanedSegment startCleanedSegment(long baseOffset) throws IOException {
        return startCleanedSegment(baseOffset, truncation.truncationCount());
    }

    /**
     * As {@link #startCleanedSegment(long)}, for a pass that began when {@link #truncationCount()}
     * was {@code truncationsSeen}: its swap is refused if the log was truncated since.
     */
    public CleanedSegment startCleanedSegment(long baseOffset, long truncationsSeen) throws IOException {
        structureLock.lock();
        try {
            if (closed) {
                throw new IOException("Log " + dir + " is closed");
            }
            return CleanedSegment.create(dir, baseOffset, truncationsSeen);
        } finally {
            structureLock.unlock();
        }
    }

    /**
     * Replaces the closed segments {@code oldBases} (consecutive, ascending, the first at the
     * cleaned segment's base) by {@code cleaned}, on disk and then in memory, so that a crash
     * leaves either the old group or the new segment ({@link SegmentSwap}). Gives up, deleting
     * the cleaned file, and returns false when the group changed meanwhile (retention deleted
     * one of its segments) or the log was closed. {@code onSwapped} runs in the same step as the
     * new segment becomes visible, inside the window {@link #swapSequence} marks.
     *
     * <p>The structure lock is held only for the renames, the directory fsyncs and the switch in
     * memory ({@link SegmentReplacement}), so retention and record deletion wait for a swap only
     * that long.
     *
     * <p>A failure after the swap's commit point ({@link SegmentSwap.IncompleteSwapException})
     * leaves the log closed to every change by path (retention, swaps); the caller takes the
     * partition offline.
     */
    public boolean replaceSegments(List<Long> oldBases, CleanedSegment cleaned, SegmentSwap.Hook hook,
            Runnable onSwapped) throws IOException {
        return replacement.replace(oldBases, cleaned, hook, onSwapped);
    }

    /**
     * A counter of cleaner swaps, odd while one is changing which segments reads see (and running
     * its {@code onSwapped} step). A reader that must see the segments and state kept beside the
     * log (the aborted-transaction index) at one moment reads it before and after, and repeats
     * when it was odd or changed.
     */
    public long swapSequence() {
        return replacement.swapSequence();
    }

    /**
     * The largest batch (in bytes, log overhead included) that recovery accepts as plausible:
     * max(max.message.bytes, segment.bytes). A batch the cleaner rewrites must stay within it.
     */
    public int largestRecoverableBatch() {
        return LogRecovery.largestRecoverableBatch(config);
    }

    /** The first offset the cleaner has not yet deduplicated (everything below it is the clean section). */
    public long firstDirtyOffset() {
        return Math.max(firstDirtyOffset, logStartOffset);
    }

    /** Records, durably, that the cleaner has deduplicated everything below {@code offset}. */
    public void recordCleanedUpTo(long offset) throws IOException {
        structureLock.lock();
        try {
            if (!closed) {
                // Never past the log end: a truncation may have come after the pass's last swap.
                long cleaned = Math.min(offset, end.offset());
                checkpoints.writeCleanerCheckpoint(cleaned);
                firstDirtyOffset = cleaned;
            }
        } finally {
            structureLock.unlock();
        }
    }

    // ------------------------------- for SegmentReplacement, LogTruncation and LogRetention

    /** The base offset of the segment after the one at {@code baseOffset}, or null when there is none. */
    Long baseOffsetAfter(long baseOffset) {
        return segments.higherKey(baseOffset);
    }

    /**
     * Under the structure lock: the segments of {@code oldBases} if all are still closed segments
     * followed by {@code endOffset} and the log still takes changes, else null.
     */
    List<LogSegment> closedGroup(List<Long> oldBases, long endOffset) {
        if (closed) {
            return null;
        }
        List<LogSegment> old = new ArrayList<>();
        for (long base : oldBases) {
            LogSegment segment = segments.get(base);
            if (segment == null || segment == end.segment()) {
                return null;
            }
            old.add(segment);
        }
        Long next = segments.higherKey(oldBases.get(oldBases.size() - 1));
        return next != null && next == endOffset ? old : null;
    }

    /**
     * Under the structure lock: puts {@code fresh} in place of the consecutive closed segments
     * {@code old} (the first at fresh's base offset). Their channels stay open for reads already
     * under way; the caller closes them later.
     */
    void switchSegments(LogSegment fresh, List<LogSegment> old) {
        segments.put(fresh.baseOffset(), fresh);
        for (LogSegment segment : old.subList(1, old.size())) {
            segments.remove(segment.baseOffset());
        }
    }

    /** A change to the segment files by path, run under the structure lock (and, for a truncation, the flush lock). */
    @FunctionalInterface
    interface StructureChange<T> {
        T apply() throws IOException;
    }

    /** Runs {@code change} under the structure lock, waiting for it. */
    <T> T underStructureLock(StructureChange<T> change) throws IOException {
        structureLock.lock();
        try {
            return change.apply();
        } finally {
            structureLock.unlock();
        }
    }

    /** Under the structure lock: whether the log takes no more changes by path (closed, deleted, corrupt, failed swap). */
    boolean isClosedToChanges() {
        return closed;
    }

    /** Under the structure lock: the log takes no more changes by path until a restart. */
    void closeToChanges() {
        closed = true;
    }

    /** Whether the calling thread holds the structure lock (tests: what runs inside a swap). */
    boolean structureLockHeldByCurrentThread() {
        return structureLock.isHeldByCurrentThread();
    }

    /** Under the structure and flush locks: the recovery point and the cleaner checkpoint go down to {@code offset}, durably. */
    void lowerCheckpointsTo(long offset) throws IOException {
        recoveryPointLock.lock();
        try {
            flushedOffset = Math.min(flushedOffset, offset);
            checkpoints.writeRecoveryPoint(flushedOffset);
        } finally {
            recoveryPointLock.unlock();
        }
        if (firstDirtyOffset > offset) {
            checkpoints.writeCleanerCheckpoint(offset);
            firstDirtyOffset = offset;
        }
    }

    /** Under the structure and flush locks: the log end (and the high watermark, which never passes it) move to {@code newEnd}. */
    void publishEnd(LogPosition newEnd) {
        end = newEnd;
        if (highWatermark.offset() >= newEnd.offset()) {
            highWatermark = newEnd;
        }
    }

    /** Under the structure and flush locks: the log end and the high watermark are both {@code newEnd} (a log emptied). */
    void resetEnd(LogPosition newEnd) {
        end = newEnd;
        highWatermark = newEnd;
    }

    /** Under the flush lock, after {@link #lowerCheckpointsTo}: everything up to {@code offset} counts as durable (a log emptied and started there). */
    void resetFlushedOffset(long offset) {
        flushedOffset = offset;
    }

    /** Writer and structure lock: the log start is now {@code offset}; its checkpoint is the caller's to write first. */
    void setLogStartOffset(long offset) {
        logStartOffset = offset;
    }

    /**
     * Writer only (log start moves and truncation: also under the structure lock): {@code next}
     * becomes the leader epochs, checkpointed first, when it differs from the current ones.
     */
    void publishLeaderEpochs(LeaderEpochCache next) throws IOException {
        if (next != leaderEpochs) {
            checkpoints.writeLeaderEpochs(next);
            leaderEpochs = next;
        }
    }

    /**
     * Runs {@code change} under the structure lock if it is free now, else returns {@code otherwise}
     * without waiting (retention, whose caller holds the partition lock that appends need).
     */
    <T> T underStructureLockIfFree(StructureChange<T> change, T otherwise) throws IOException {
        if (!structureLock.tryLock()) {
            return otherwise;
        }
        try {
            return change.apply();
        } finally {
            structureLock.unlock();
        }
    }

    /** Runs {@code change} under the flush lock (inside the structure lock), waiting for a flush under way. */
    <T> T underFlushLock(StructureChange<T> change) throws IOException {
        flushLock.lock();
        try {
            return change.apply();
        } finally {
            flushLock.unlock();
        }
    }

    // ---------------------------------------------------------------- closing

    /** Writer only. Flushes, records the recovery point and closes every segment (a corrupt log: only closes). */
    public void close(long nowMs) throws IOException {
        structureLock.lock();
        try {
            closed = true;
            if (damage == null) {
                flush(nowMs);
                writeRecoveryPoint();
            }
            for (LogSegment segment : segments.values()) {
                segment.close();
            }
        } finally {
            structureLock.unlock();
        }
    }

    /**
     * Stops every change by path (cleaner swaps, retention) for a partition whose directory is about
     * to be moved aside: a new topic of the same name may own the old path.
     */
    public void markDeleted() {
        structureLock.lock();
        try {
            closed = true;
        } finally {
            structureLock.unlock();
        }
    }

    /**
     * Closes the files without flushing, for a partition being deleted. Touches nothing by path:
     * the directory has been moved aside, and a new topic of the same name may own the old path.
     */
    public void closeWithoutFlush() throws IOException {
        structureLock.lock();
        try {
            closed = true;
            for (LogSegment segment : segments.values()) {
                segment.close();
            }
        } finally {
            structureLock.unlock();
        }
    }

    public void updateConfig(TopicConfig newConfig) {
        this.config = newConfig;
    }

    public TopicConfig config() {
        return config;
    }

    public long logEndOffset() {
        return end.offset();
    }

    public long highWatermark() {
        return highWatermark.offset();
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    /** Base offset of the active segment, the one appends go to (never cleaned). */
    public long activeSegmentBaseOffset() {
        return end.segment().baseOffset();
    }

    public int segmentCount() {
        return segments.size();
    }

    public long sizeInBytes() {
        return segments.values().stream().mapToLong(LogSegment::size).sum();
    }

    public Path dir() {
        return dir;
    }
}
