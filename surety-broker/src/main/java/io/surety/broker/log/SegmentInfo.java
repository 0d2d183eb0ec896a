package io.surety.broker.log;

/**
 * What the cleaner needs to know of a closed segment: its offset range ({@code endOffset} is the
 * next segment's base offset; the segment holds no offset at or after it), size, largest record
 * timestamp (-1 if none) and when it was created or last rewritten.
 */
public record SegmentInfo(long baseOffset, long endOffset, int sizeInBytes, long maxTimestamp, long createdMs) {

    /** The time compaction lags are measured from: the largest record timestamp, or the creation time. */
    public long lagTimestamp() {
        return maxTimestamp >= 0 ? maxTimestamp : createdMs;
    }
}
