package io.surety.broker.log;

import java.util.Arrays;

/**
 * A sparse map from offsets to byte positions in one segment: an entry at least every
 * {@code index.interval.bytes}, so a read scans only a few batch headers from the nearest entry.
 *
 * <p>Threading: one writer (the partition's append path) and any number of readers. The writer
 * publishes each entry by a volatile write of the count; readers read the count first, so every
 * entry below it is fully visible.
 *
 * <p>The index lives in memory and is rebuilt from the batch headers when a segment is opened: a
 * header scan costs one small read per batch, and keeps the index from ever disagreeing with the
 * data after a crash.
 */
final class OffsetIndex {

    private final long baseOffset;
    private volatile long[] entries = new long[64];
    private volatile int count;

    OffsetIndex(long baseOffset) {
        this.baseOffset = baseOffset;
    }

    /** Writer only: adds an entry for the batch starting at {@code offset}, at byte {@code position}. */
    void append(long offset, int position) {
        int n = count;
        long[] current = entries;
        if (n == current.length) {
            current = Arrays.copyOf(current, n * 2);
            entries = current;
        }
        current[n] = ((offset - baseOffset) << 32) | (position & 0xFFFFFFFFL);
        count = n + 1;
    }

    /** Position of the last indexed batch starting at or before {@code offset}, or 0. */
    int floorPosition(long offset) {
        int n = count;
        long[] current = entries;
        long relative = offset - baseOffset;
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long rel = current[mid] >> 32;
            if (rel <= relative) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? 0 : (int) current[found];
    }

    /** Writer only: drops entries at or beyond {@code position} (after a truncation). */
    void truncateToPosition(int position) {
        int n = count;
        long[] current = entries;
        while (n > 0 && (int) current[n - 1] >= position) {
            n--;
        }
        count = n;
    }

    int entryCount() {
        return count;
    }

}
