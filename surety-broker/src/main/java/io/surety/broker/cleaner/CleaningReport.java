package io.surety.broker.cleaner;

import java.util.List;

/**
 * What one cleaning pass over a log did.
 *
 * @param firstDirty        the first offset not deduplicated before the pass
 * @param cleanedUpTo       every offset below it is now deduplicated (the new first dirty offset)
 * @param groups            the offset ranges [base, end) of the segment groups that were swapped, in order
 * @param bytesBefore       bytes of the swapped groups before cleaning
 * @param bytesAfter        bytes of the segments that replaced them
 * @param keys              distinct keys in the key map
 * @param nextDeleteHorizonMs the earliest future delete horizon written or kept, or Long.MAX_VALUE:
 *                          a pass at that time can remove tombstones or markers
 * @param completed         false when the pass gave up (a segment went to retention meanwhile)
 */
public record CleaningReport(long firstDirty, long cleanedUpTo, List<long[]> groups, long bytesBefore, long bytesAfter,
        int keys, long nextDeleteHorizonMs, boolean completed) {
}
