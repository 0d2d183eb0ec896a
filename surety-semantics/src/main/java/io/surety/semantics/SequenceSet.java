package io.surety.semantics;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A set of non-negative sequence numbers kept as disjoint, non-adjacent ranges: a stream without
 * gaps costs one entry however long it is, and each gap costs one more.
 *
 * <p>Not thread-safe: owned by one {@link DeliveryAudit}.
 */
final class SequenceSet {

    /** Range start to range end, both inclusive. */
    private final NavigableMap<Long, Long> ranges = new TreeMap<>();
    private long size;

    /** Adds {@code sequence}; returns false if it was already present. */
    boolean add(long sequence) {
        Map.Entry<Long, Long> below = ranges.floorEntry(sequence);
        if (below != null && below.getValue() >= sequence) {
            return false;
        }
        boolean joinsBelow = below != null && below.getValue() == sequence - 1;
        Long aboveStart = ranges.higherKey(sequence);
        boolean joinsAbove = aboveStart != null && aboveStart == sequence + 1;
        if (joinsBelow && joinsAbove) {
            ranges.put(below.getKey(), ranges.remove(aboveStart));
        } else if (joinsBelow) {
            ranges.put(below.getKey(), sequence);
        } else if (joinsAbove) {
            ranges.put(sequence, ranges.remove(aboveStart));
        } else {
            ranges.put(sequence, sequence);
        }
        size++;
        return true;
    }

    /** Adds the range {@code [from, to]}, which must not overlap or touch what is already here. */
    void addRange(long from, long to) {
        Map.Entry<Long, Long> below = ranges.floorEntry(to + 1);
        if (from > to || (below != null && below.getValue() >= from - 1)) {
            throw new IllegalArgumentException("range " + from + ".." + to + " overlaps or touches another");
        }
        ranges.put(from, to);
        size += to - from + 1;
    }

    boolean contains(long sequence) {
        Map.Entry<Long, Long> below = ranges.floorEntry(sequence);
        return below != null && below.getValue() >= sequence;
    }

    /** How many sequences of {@code [from, to]} are present. */
    long countWithin(long from, long to) {
        long count = 0;
        Long start = ranges.floorKey(from);
        for (Map.Entry<Long, Long> range : ranges.tailMap(start == null ? from : start, true).entrySet()) {
            if (range.getKey() > to) {
                break;
            }
            long overlap = Math.min(range.getValue(), to) - Math.max(range.getKey(), from) + 1;
            count += Math.max(0, overlap);
        }
        return count;
    }

    long size() {
        return size;
    }

    int rangeCount() {
        return ranges.size();
    }

    /** Visits the ranges in ascending order as (from, to), both inclusive. */
    void forEachRange(BiConsumer<Long, Long> visitor) {
        ranges.forEach(visitor);
    }
}
