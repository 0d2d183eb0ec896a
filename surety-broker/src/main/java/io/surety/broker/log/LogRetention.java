package io.surety.broker.log;

import io.surety.broker.config.TopicConfig;
import java.io.IOException;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Moves a live log's start forward: deletes the oldest closed segments that fall outside
 * retention by time or by size ({@link #applyRetention}), and moves the log start to an offset
 * DeleteRecords asked for ({@link #deleteRecordsBefore}), dropping the segments wholly below it.
 * One per {@link Log}; the partition reaches it through {@link Log#applyRetention} and
 * {@link Log#deleteRecordsBefore}, whose javadoc has the contract.
 *
 * <p>Thread-safety: writer only (the caller holds the partition lock). The changes run under the
 * log's structure lock ({@link Log#underStructureLock}, {@link Log#underStructureLockIfFree}), so
 * they never interleave with a cleaner swap, a truncation or closing.
 *
 * <p>Implementation notes: a segment goes only when the next one starts at or below the high
 * watermark, so nothing a consumer could not yet read is deleted, and the active segment never
 * goes. The log start follows the first remaining segment, and the leader epochs follow the log
 * start. Periodic retention only tries the structure lock: its caller holds the partition lock,
 * which appends need, so it must not wait for a cleaner swap; it runs again at the next check.
 * DeleteRecords waits, since it has to answer with the new log start.
 */
final class LogRetention {

    private final Log log;
    /** The log's segment map (the same object): removed from the front only. */
    private final ConcurrentSkipListMap<Long, LogSegment> segments;
    private final CheckpointStore checkpoints;

    LogRetention(Log log, ConcurrentSkipListMap<Long, LogSegment> segments, CheckpointStore checkpoints) {
        this.log = log;
        this.segments = segments;
        this.checkpoints = checkpoints;
    }

    /** Deletes the segments outside retention; see {@link Log#applyRetention}. */
    int applyRetention(long nowMs) throws IOException {
        return log.underStructureLockIfFree(() -> applyLocked(nowMs), 0);
    }

    /** Moves the log start to {@code offset}, durably; see {@link Log#deleteRecordsBefore}. */
    void deleteRecordsBefore(long offset, long nowMs) throws IOException {
        if (offset <= log.logStartOffset()) {
            return;
        }
        log.underStructureLock(() -> {
            checkpoints.writeLogStartOffset(offset);
            log.setLogStartOffset(offset);
            return applyLocked(nowMs);
        });
    }

    /**
     * Under the structure lock. Retention by time and size applies only when cleanup.policy
     * contains delete; the log start always does.
     */
    private int applyLocked(long nowMs) throws IOException {
        TopicConfig cfg = log.config();
        boolean byRetention = cfg.deleteByRetention();
        int deleted = 0;
        long totalBytes = log.sizeInBytes();
        while (segments.size() > 1 && !log.isClosedToChanges()) {
            LogSegment oldest = segments.firstEntry().getValue();
            LogSegment next = segments.higherEntry(oldest.baseOffset()).getValue();
            boolean expired = byRetention && cfg.retentionMs() >= 0 && nowMs - oldest.retentionTimestamp() > cfg.retentionMs();
            boolean oversized = byRetention && cfg.retentionBytes() >= 0 && totalBytes - oldest.size() >= cfg.retentionBytes();
            boolean belowStart = next.baseOffset() <= log.logStartOffset();
            if (!(expired || oversized || belowStart) || next.baseOffset() > log.highWatermark()) {
                break;
            }
            totalBytes -= oldest.size();
            log.deleteSegment(oldest);
            log.setLogStartOffset(Math.max(log.logStartOffset(), next.baseOffset()));
            deleted++;
        }
        if (!log.isClosedToChanges()) {
            // The leader epochs follow the log start.
            log.publishLeaderEpochs(log.leaderEpochs().truncatedFromStart(log.logStartOffset()));
        }
        return deleted;
    }
}
