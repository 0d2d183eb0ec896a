package io.surety.check.checker;

import io.surety.check.history.EventType;
import io.surety.check.history.HistoryEvent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The offsets of the input log as the final read (LOG_READ) saw them: per partition, the sorted
 * distinct offsets that held a record. Offsets the final read did not return (transaction markers,
 * aborted records under read_committed, compacted or lost records) are not in it, so a range of
 * offsets can be turned into the number of records it really held.
 */
final class LogOffsets {

    private static final long[] NONE = new long[0];

    private final Map<Integer, long[]> offsetsByPartition;

    private LogOffsets(Map<Integer, long[]> offsetsByPartition) {
        this.offsetsByPartition = offsetsByPartition;
    }

    static LogOffsets of(List<HistoryEvent> events) {
        Map<Integer, LongList> collected = new HashMap<>();
        for (HistoryEvent e : events) {
            if (e.type() == EventType.LOG_READ && e.offset() >= 0) {
                collected.computeIfAbsent(e.partition(), p -> new LongList()).add(e.offset());
            }
        }
        Map<Integer, long[]> sorted = new HashMap<>();
        collected.forEach((partition, list) -> sorted.put(partition, list.sortedDistinct()));
        return new LogOffsets(sorted);
    }

    /** The index, among the partition's sorted offsets, of the first offset {@code >= offset}. */
    int indexOf(int partition, long offset) {
        long[] offsets = offsetsByPartition.getOrDefault(partition, NONE);
        int low = 0;
        int high = offsets.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (offsets[mid] < offset) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Records the final read saw in {@code partition} at offsets {@code from} (inclusive) to {@code to} (exclusive). */
    int countBetween(int partition, long from, long to) {
        return from >= to ? 0 : indexOf(partition, to) - indexOf(partition, from);
    }

    /** A growable array of primitive longs. */
    private static final class LongList {
        private long[] values = new long[16];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] sortedDistinct() {
            long[] sorted = Arrays.copyOf(values, size);
            Arrays.sort(sorted);
            int distinct = 0;
            for (int i = 0; i < sorted.length; i++) {
                if (i == 0 || sorted[i] != sorted[i - 1]) {
                    sorted[distinct++] = sorted[i];
                }
            }
            return Arrays.copyOf(sorted, distinct);
        }
    }
}
