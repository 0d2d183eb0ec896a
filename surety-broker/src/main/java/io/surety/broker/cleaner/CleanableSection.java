package io.surety.broker.cleaner;

import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.BatchHeader;
import io.surety.broker.log.Log;
import io.surety.broker.log.SegmentInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a compacted log the cleaner may rewrite now, and how dirty it is.
 *
 * <p>Cleanable are the closed segments, oldest first, that end at or below the last stable offset
 * (an undecided transaction could still be aborted) and the high watermark, stopping at the first
 * segment younger than {@code min.compaction.lag.ms}. The active segment never is. Within them,
 * the clean section lies below the log's first dirty offset (already deduplicated) and the dirty
 * section above it; the dirty ratio is dirty bytes over all cleanable bytes.
 *
 * @param segments       the cleanable segments, oldest first
 * @param firstDirty     the first offset not yet deduplicated
 * @param dirtyBytes     bytes of the cleanable segments that reach past {@code firstDirty}
 * @param lagExceeded    whether the oldest dirty record is older than {@code max.compaction.lag.ms}
 */
record CleanableSection(List<SegmentInfo> segments, long firstDirty, long cleanBytes, long dirtyBytes,
        boolean lagExceeded) {

    /** The cleanable section of {@code target}'s log at {@code nowMs}, or null when nothing is cleanable. */
    static CleanableSection of(CompactionTarget target, long nowMs) throws IOException {
        Log log = target.log();
        TopicConfig config = log.config();
        long bound = Math.min(Math.min(target.lastStableOffset(), log.highWatermark()), log.activeSegmentBaseOffset());
        List<SegmentInfo> cleanable = new ArrayList<>();
        for (SegmentInfo segment : log.closedSegments()) {
            boolean tooYoung = config.minCompactionLagMs() > 0
                    && nowMs - segment.lagTimestamp() < config.minCompactionLagMs();
            if (segment.endOffset() > bound || tooYoung) {
                break;
            }
            cleanable.add(segment);
        }
        if (cleanable.isEmpty()) {
            return null;
        }
        long firstDirty = log.firstDirtyOffset();
        long clean = 0;
        long dirty = 0;
        SegmentInfo firstDirtySegment = null;
        for (SegmentInfo segment : cleanable) {
            if (segment.endOffset() <= firstDirty) {
                clean += segment.sizeInBytes();
            } else {
                dirty += segment.sizeInBytes();
                if (firstDirtySegment == null) {
                    firstDirtySegment = segment;
                }
            }
        }
        boolean lagExceeded = false;
        if (firstDirtySegment != null && dirty > 0) {
            BatchHeader first = log.firstBatchOf(firstDirtySegment.baseOffset());
            long oldest = first != null && first.maxTimestamp() >= 0 ? first.maxTimestamp() : firstDirtySegment.createdMs();
            lagExceeded = nowMs - oldest > config.maxCompactionLagMs();
        }
        return new CleanableSection(List.copyOf(cleanable), firstDirty, clean, dirty, lagExceeded);
    }

    double dirtyRatio() {
        long total = cleanBytes + dirtyBytes;
        return total == 0 ? 0 : (double) dirtyBytes / total;
    }

    /** The offset after the last cleanable segment. */
    long endOffset() {
        return segments.get(segments.size() - 1).endOffset();
    }
}
