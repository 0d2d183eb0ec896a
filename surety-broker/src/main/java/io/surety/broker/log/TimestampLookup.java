package io.surety.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Finds batches by timestamp for ListOffsets: the first batch at or after a timestamp, and the
 * batch holding the largest timestamp. Both look only at what consumers may see: batches below
 * the high watermark and, for the first, not wholly below the log start offset. They return the
 * batch whole; the caller finds the record inside it.
 *
 * <p>Thread-safety: stateless; runs on any thread against the published state of a log (a
 * snapshot of the high watermark and log start, the concurrent segment map). A segment a cleaner
 * swap replaced meanwhile is still readable until its delayed close.
 *
 * <p>Implementation notes: the segments' time indexes are sparse and kept in memory
 * ({@link LogSegment#scanStartForTimestamp}), so a lookup reads headers from the indexed position
 * on, one per batch, until one qualifies. A segment's largest timestamp may lie in a batch above
 * the high watermark; only then are that segment's visible headers scanned.
 */
final class TimestampLookup {

    private TimestampLookup() {
    }

    /**
     * The first batch (whole, as bytes) whose largest timestamp is at or after {@code timestamp},
     * below {@code hw} and ending at or after {@code logStartOffset}; null if none.
     */
    static ByteBuffer firstBatchAtOrAfter(Iterable<LogSegment> segments, LogPosition hw, long logStartOffset,
            long timestamp) throws IOException {
        for (LogSegment segment : segments) {
            if (segment.baseOffset() >= hw.offset()) {
                break;
            }
            if (segment.maxTimestamp() < timestamp) {
                continue;
            }
            int limit = visibleLimit(segment, hw);
            long from = Math.max(segment.scanStartForTimestamp(timestamp), logStartOffset);
            int position = segment.positionOf(from, limit);
            while (position >= 0 && position + BatchHeader.SIZE <= limit) {
                BatchHeader batch = segment.headerAt(position);
                if (batch.maxTimestamp() >= timestamp && batch.lastOffset() >= logStartOffset) {
                    return segment.readBatch(position);
                }
                position += batch.sizeInBytes();
            }
        }
        return null;
    }

    /** The batch (whole, as bytes) holding the largest timestamp below {@code hw}; null if there is none. */
    static ByteBuffer batchWithMaxTimestamp(Iterable<LogSegment> segments, LogPosition hw) throws IOException {
        LogSegment best = null;
        long bestTimestamp = -1;
        long bestOffset = -1;
        for (LogSegment segment : segments) {
            if (segment.baseOffset() >= hw.offset() || segment.maxTimestampBatchOffset() < 0) {
                continue;
            }
            long[] candidate = {segment.maxTimestamp(), segment.maxTimestampBatchOffset()};
            if (candidate[1] >= hw.offset()) {
                candidate = visibleMaxTimestamp(segment, hw);
            }
            if (candidate[1] >= 0 && (best == null || candidate[0] > bestTimestamp)) {
                best = segment;
                bestTimestamp = candidate[0];
                bestOffset = candidate[1];
            }
        }
        if (best == null) {
            return null;
        }
        int position = best.positionOf(bestOffset, visibleLimit(best, hw));
        return position < 0 ? null : best.readBatch(position);
    }

    /** {largest timestamp, its batch's base offset} among a segment's batches below {@code hw}; offset -1 if none. */
    private static long[] visibleMaxTimestamp(LogSegment segment, LogPosition hw) throws IOException {
        long[] best = {-1, -1};
        segment.scan(0, visibleLimit(segment, hw), (batch, position) -> {
            if (batch.maxTimestamp() > best[0]) {
                best[0] = batch.maxTimestamp();
                best[1] = batch.baseOffset();
            }
        });
        return best;
    }

    /** The end of the visible bytes of {@code segment}: the high watermark's position in its segment, else the whole segment. */
    private static int visibleLimit(LogSegment segment, LogPosition hw) {
        return segment == hw.segment() ? hw.position() : segment.size();
    }
}
