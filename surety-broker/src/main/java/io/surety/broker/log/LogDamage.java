package io.surety.broker.log;

import java.nio.file.Path;

/**
 * Damage that recovery found in a partition's log, described so an operator can judge it: where it
 * starts, the offsets from there to the old log end and the bytes from there to the end of the log.
 *
 * @param file            the segment file holding the damage
 * @param segmentBase     that segment's base offset
 * @param position        byte position in {@code file} of the first damaged byte's batch (where a cut goes)
 * @param firstOffset     the first offset lost by a cut there (the end of the last good batch)
 * @param endOffset       the old log end: one past the last offset of any valid batch after the damage,
 *                        or {@code firstOffset} (or the damaged header's end) when none was found
 * @param bytes           bytes from {@code position} to the end of the log, later segments included
 * @param validBatchAfter whether a valid batch (plausible header, matching CRC) follows the damage
 * @param lastSegment     whether the damage is in the last segment
 */
public record LogDamage(Path file, long segmentBase, long position, long firstOffset, long endOffset, long bytes,
        boolean validBatchAfter, boolean lastSegment) {

    /** The partition's name as its directory spells it ({@code <topic>-<partition>}). */
    public String partitionName() {
        return file.getParent().getFileName().toString();
    }

    /** The offset range a cut at the damage removes, as {@code [first, end)}. */
    public String offsetRange() {
        return "[" + firstOffset + ", " + endOffset + ")";
    }

    /** Why the partition is offline, with the way forward; what {@code /ready} shows. */
    public String offlineReason() {
        return "corrupt at " + file + " position " + position + ": offsets " + offsetRange()
                + " await `bin/surety recover --truncate " + partitionName() + "`";
    }
}
