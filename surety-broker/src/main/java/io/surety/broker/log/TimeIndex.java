package io.surety.broker.log;

import java.util.Arrays;

/**
 * A sparse map from timestamps to offsets in one segment, used by ListOffsets by timestamp. An
 * entry is added only when a batch raises the segment's largest timestamp, so entries ascend in
 * both timestamp and offset even when producers send timestamps out of order.
 *
 * <p>Threading as {@link OffsetIndex}: one writer, readers see entries below the volatile count.
 *
 * <p>Like the offset index it lives in memory and is rebuilt from batch headers when a segment opens.
 */
final class TimeIndex {

    private final long baseOffset;
    private volatile long[] timestamps = new long[32];
    private volatile int[] offsets = new int[32];
    private volatile int count;

    TimeIndex(long baseOffset) {
        this.baseOffset = baseOffset;
    }

    /** Writer only: records that the batch at {@code offset} carries a new largest {@code timestamp}. */
    void append(long timestamp, long offset) {
        int n = count;
        if (n > 0 && timestamps[n - 1] >= timestamp) {
            return;
        }
        if (n == timestamps.length) {
            long[] newTimestamps = Arrays.copyOf(timestamps, n * 2);
            int[] newOffsets = Arrays.copyOf(offsets, n * 2);
            timestamps = newTimestamps;
            offsets = newOffsets;
        }
        timestamps[n] = timestamp;
        offsets[n] = (int) (offset - baseOffset);
        count = n + 1;
    }

    /**
     * The offset of the last entry whose timestamp is below {@code timestamp}: the first batch that
     * may hold a record at or after {@code timestamp} starts at or after it. Returns the base offset
     * when no such entry exists.
     */
    long floorOffsetBefore(long timestamp) {
        int n = count;
        long[] ts = timestamps;
        int[] offs = offsets;
        long result = baseOffset;
        for (int i = 0; i < n && ts[i] < timestamp; i++) {
            result = baseOffset + offs[i];
        }
        return result;
    }

    void truncateToOffset(long offset) {
        int n = count;
        while (n > 0 && baseOffset + offsets[n - 1] >= offset) {
            n--;
        }
        count = n;
    }

    long maxTimestamp() {
        int n = count;
        return n == 0 ? -1 : timestamps[n - 1];
    }

}
