package io.surety.broker.log;

import java.io.IOException;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a live log back: removes every batch from an offset on ({@link #truncateTo}), or empties
 * the log and starts it again at an offset ({@link #truncateFullyAndStartAt}), so that a crash at
 * any step leaves a prefix of the old log reaching at least the new end. One per {@link Log}; the
 * partition reaches it through {@link Log#truncateTo} and {@link Log#truncateFullyAndStartAt},
 * whose javadoc has the contract.
 *
 * <p>Thread-safety: writer only (the caller holds the partition lock). The changes run under the
 * log's structure lock and, inside it, its flush lock ({@link Log#underStructureLock},
 * {@link Log#underFlushLock}); the recovery point is lowered under the recovery-point lock
 * ({@link Log#lowerCheckpointsTo}). {@link #truncationCount} is read by any thread.
 *
 * <p>Implementation notes: the structure lock is taken because a truncation removes closed
 * segments, which retention and the cleaner's swap also change; the flush lock, so that no flush
 * forces (and publishes as durable) a snapshot of the old end. The recovery point and the cleaner
 * checkpoint are lowered durably before any file changes, so a crash part way never leaves them
 * above the end. {@link SegmentReplacement#swapSequence} moves as for a swap, since a truncation
 * also changes which segments reads see, and the truncation count makes a cleaner pass that began
 * before it give up its swaps: its key map may count on removed records. Lock order: partition
 * lock, structure lock, flush lock, recovery-point lock.
 */
final class LogTruncation {

    private static final Logger LOG = LoggerFactory.getLogger(LogTruncation.class);

    private final Log log;
    /** The log's segment map (the same object): removed from the end, cut, and one added at the new end. */
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final SegmentReplacement replacement;
    private final CheckpointStore checkpoints;
    private final FsyncLedger ledger;
    private final SegmentChannels channels;
    /** Written under the structure lock; read by cleaner passes. */
    private volatile long truncations;

    LogTruncation(Log log, ConcurrentSkipListMap<Long, LogSegment> segments, SegmentReplacement replacement,
            CheckpointStore checkpoints, FsyncLedger ledger, SegmentChannels channels) {
        this.log = log;
        this.segments = segments;
        this.replacement = replacement;
        this.checkpoints = checkpoints;
        this.ledger = ledger;
        this.channels = channels;
    }

    /** Removes every batch holding an offset at or after {@code offset}; see {@link Log#truncateTo}. */
    long truncateTo(long offset) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("Cannot truncate to negative offset " + offset);
        }
        if (offset >= log.logEndOffset()) {
            return log.logEndOffset();
        }
        if (offset < log.logStartOffset()) {
            truncateFullyAndStartAt(offset);
            return offset;
        }
        return log.underStructureLock(() -> truncateToLocked(offset));
    }

    /** Empties the log and starts it at {@code offset}; see {@link Log#truncateFullyAndStartAt}. */
    void truncateFullyAndStartAt(long offset) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("Cannot start a log at negative offset " + offset);
        }
        log.underStructureLock(() -> {
            requireChangeable();
            truncateFullyLocked(offset);
            return null;
        });
    }

    /** The number of truncations so far; a cleaner pass reads it before reading anything. */
    long truncationCount() {
        return truncations;
    }

    /** Under the structure lock. */
    private long truncateToLocked(long offset) throws IOException {
        requireChangeable();
        LogSegment holder = segments.floorEntry(offset).getValue();
        int position = holder.positionOf(offset, holder.size());
        long newEnd = position >= 0 ? holder.headerAt(position).baseOffset() : offset;
        long logStart = log.logStartOffset();
        if (newEnd < logStart) {
            // The batch holding the log start goes: nothing visible is left.
            truncateFullyLocked(logStart);
            return logStart;
        }
        log.underFlushLock(() -> {
            log.lowerCheckpointsTo(newEnd);
            replacement.beginTruncation();
            truncations++;
            try {
                cutSegmentsAt(newEnd);
            } finally {
                replacement.endTruncation();
            }
            log.publishLeaderEpochs(log.leaderEpochs().truncatedFromEnd(newEnd));
            return null;
        });
        LOG.info("Truncated {} to offset {} (asked for {})", log.dir().getFileName(), newEnd, offset);
        return newEnd;
    }

    /** Under the structure lock. */
    private void truncateFullyLocked(long offset) throws IOException {
        log.underFlushLock(() -> {
            log.lowerCheckpointsTo(offset);
            replacement.beginTruncation();
            truncations++;
            try {
                LogSegment first = segments.firstEntry().getValue();
                log.resetEnd(new LogPosition(first.baseOffset(), first, 0));
                deleteSegmentsAfter(first.baseOffset());
                first.truncateDurably(0);
                checkpoints.writeLogStartOffset(offset);
                if (first.baseOffset() != offset) {
                    LogSegment fresh = LogSegment.create(log.dir(), offset, ledger, channels, first.createdMs());
                    segments.put(offset, fresh);
                    log.resetEnd(new LogPosition(offset, fresh, 0));
                    log.deleteSegment(first);
                    SegmentFiles.fsyncDirectory(log.dir());
                }
                log.setLogStartOffset(offset);
                log.resetFlushedOffset(offset);
            } finally {
                replacement.endTruncation();
            }
            log.publishLeaderEpochs(log.leaderEpochs().fittedToLogEnd(offset).truncatedFromStart(offset));
            return null;
        });
        LOG.info("Truncated {} fully; it starts empty at offset {}", log.dir().getFileName(), offset);
    }

    private void requireChangeable() throws IOException {
        if (log.isClosedToChanges()) {
            throw new IOException("Log " + log.dir() + " is closed to changes");
        }
    }

    /** Under the structure and flush locks: the segment files and the in-memory state end at {@code newEnd}. */
    private void cutSegmentsAt(long newEnd) throws IOException {
        LogSegment at = segments.get(newEnd);
        if (at != null) {
            // A segment starts exactly there: it stays, empty, after every later one is gone.
            log.publishEnd(new LogPosition(newEnd, at, 0));
            deleteSegmentsAfter(newEnd);
            at.truncateDurably(0);
            return;
        }
        LogSegment holder = segments.floorEntry(newEnd).getValue();
        int position = holder.positionOf(newEnd, holder.size());
        int cutAt = position >= 0 ? position : holder.size();
        log.publishEnd(new LogPosition(newEnd, holder, cutAt));
        Long successorBase = segments.higherKey(holder.baseOffset());
        if (successorBase == null) {
            holder.truncateDurably(cutAt);
            return;
        }
        // The holder is closed: empty its successor first, so the holder never ends the log.
        LogSegment successor = segments.get(successorBase);
        deleteSegmentsAfter(successorBase);
        successor.truncateDurably(0);
        holder.truncateDurably(cutAt);
        LogSegment fresh = LogSegment.create(log.dir(), newEnd, ledger, channels, successor.createdMs());
        segments.put(newEnd, fresh);
        log.publishEnd(new LogPosition(newEnd, fresh, 0));
        log.deleteSegment(successor);
        SegmentFiles.fsyncDirectory(log.dir());
    }

    /** Deletes the segments after {@code baseOffset}, the last one first, each unlink made durable before the next. */
    private void deleteSegmentsAfter(long baseOffset) throws IOException {
        while (segments.lastKey() > baseOffset) {
            log.deleteSegment(segments.lastEntry().getValue());
            SegmentFiles.fsyncDirectory(log.dir());
        }
    }
}
