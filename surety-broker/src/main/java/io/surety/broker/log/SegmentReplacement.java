package io.surety.broker.log;

import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a cleaned segment into a live log in place of the group of closed segments it was made
 * from: on disk through {@link SegmentSwap} (a crash leaves the old group or the new segment),
 * then in memory, in one step that readers can detect through {@link #swapSequence}. One per
 * {@link Log}; the cleaner reaches it through {@link Log#replaceSegments}.
 *
 * <p>Thread-safety: {@link #replace} runs on a cleaner thread, one at a time per log (a log is
 * cleaned by one thread at a time); its disk and memory changes run under the log's structure lock,
 * so they never interleave with retention, record deletion or closing. {@link #swapSequence} is
 * read by any thread.
 *
 * <p>Implementation notes: the new segment is opened and indexed from the cleaned file (a header
 * scan of up to a segment) before the structure lock is taken, so the lock covers only the renames,
 * the directory fsyncs and the switch in memory: retention and record deletion wait for a swap
 * only that long, and appends, which never take the structure lock, not at all. Whether the group
 * is still there is checked again under the lock, since retention may have deleted part of it
 * meanwhile.
 */
final class SegmentReplacement {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentReplacement.class);

    private final Log log;
    private final FsyncLedger ledger;
    private final SegmentChannels channels;
    /** Odd while a swap (or a truncation) changes which segments reads see; written under the structure lock. */
    private volatile long swapSequence;

    SegmentReplacement(Log log, FsyncLedger ledger, SegmentChannels channels) {
        this.log = log;
        this.ledger = ledger;
        this.channels = channels;
    }

    /**
     * Replaces the closed segments {@code oldBases} (consecutive, ascending, the first at the
     * cleaned segment's base) by {@code cleaned}; see {@link Log#replaceSegments} for the contract.
     */
    boolean replace(List<Long> oldBases, CleanedSegment cleaned, SegmentSwap.Hook hook, Runnable onSwapped)
            throws IOException {
        cleaned.force();
        cleaned.close();
        hook.reached(SegmentSwap.Step.CLEANED_WRITTEN);
        Long endOffset = log.baseOffsetAfter(oldBases.get(oldBases.size() - 1));
        if (endOffset == null || oldBases.get(0) != cleaned.baseOffset()) {
            cleaned.discard();
            return false;
        }
        // On failure the cleaned file is not deleted by path (the log may have been moved aside
        // meanwhile); the next start deletes it.
        LogSegment fresh = LogSegment.openCleaned(cleaned.file(), log.dir(), cleaned.baseOffset(), endOffset, ledger,
                channels, log.config().indexIntervalBytes(), log.largestRecoverableBatch());
        return log.underStructureLock(() -> swapLocked(oldBases, endOffset, cleaned, fresh, hook, onSwapped));
    }

    /** Under the structure lock: swaps on disk, then switches the segments in memory. */
    private boolean swapLocked(List<Long> oldBases, long endOffset, CleanedSegment cleaned, LogSegment fresh,
            SegmentSwap.Hook hook, Runnable onSwapped) throws IOException {
        // A truncation since the pass began may have removed data its key map counted on.
        List<LogSegment> old = cleaned.truncationsSeen() == log.truncationCount()
                ? log.closedGroup(oldBases, endOffset) : null;
        if (old == null) {
            fresh.close();
            if (!log.isClosedToChanges()) {
                cleaned.discard();
            }
            return false;
        }
        try {
            SegmentSwap.swap(log.dir(), cleaned, oldBases, endOffset, ledger, hook);
        } catch (SegmentSwap.IncompleteSwapException e) {
            // Disk and memory now disagree (the old segments' files may be gone or replaced):
            // nothing may touch this log's files by path until a restart finishes the swap.
            log.closeToChanges();
            fresh.close();
            LOG.error("Cleaner swap of {} failed after its commit point; the log takes no more changes until a "
                    + "restart, which finishes the swap", log.dir(), e);
            throw e;
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
        swapSequence++;
        try {
            log.switchSegments(fresh, old);
            onSwapped.run();
        } finally {
            swapSequence++;
        }
        old.forEach(log::closeLater);
        return true;
    }

    /** Under the structure lock: a truncation starts changing which segments reads see. */
    void beginTruncation() {
        swapSequence++;
    }

    /** Under the structure lock: the truncation's change is complete. */
    void endTruncation() {
        swapSequence++;
    }

    /**
     * A counter of swaps, odd while one is changing which segments reads see (and running its
     * {@code onSwapped} step). See {@link Log#swapSequence}.
     */
    long swapSequence() {
        return swapSequence;
    }
}
