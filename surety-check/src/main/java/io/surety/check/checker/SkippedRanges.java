package io.surety.check.checker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Offset ranges consumers jumped over, kept as ranges of indexes into {@link LogOffsets} so that
 * the records they held can be counted once each even when several jumps cover the same ones.
 */
final class SkippedRanges {

    private final LogOffsets log;
    private final Map<Integer, List<int[]>> rangesByPartition = new HashMap<>();

    SkippedRanges(LogOffsets log) {
        this.log = log;
    }

    /** Notes that the records at offsets {@code from} (inclusive) to {@code to} (exclusive) were jumped over. */
    void add(int partition, long from, long to) {
        if (from >= to) {
            return;
        }
        int first = log.indexOf(partition, from);
        int end = log.indexOf(partition, to);
        if (first < end) {
            rangesByPartition.computeIfAbsent(partition, p -> new ArrayList<>()).add(new int[] {first, end});
        }
    }

    /** Distinct records covered by the ranges. */
    long distinctRecords() {
        long total = 0;
        for (List<int[]> ranges : rangesByPartition.values()) {
            ranges.sort(Comparator.comparingInt(r -> r[0]));
            int coveredTo = Integer.MIN_VALUE;
            for (int[] range : ranges) {
                int start = Math.max(range[0], coveredTo);
                if (range[1] > start) {
                    total += range[1] - start;
                    coveredTo = range[1];
                }
            }
        }
        return total;
    }
}
