package io.surety.semantics;

import java.util.List;

/**
 * One source's figures.
 *
 * <p>Sequences are numbered per source across all partitions (see {@link AuditStamper}), so
 * duplicates and reorderings are exact per partition, while {@code missing} is counted per source:
 * it is exact only if the audit reads every partition the source writes to.
 *
 * @param source           the source id
 * @param firstExpected    the first sequence the audit expects, or -1 if not yet known
 * @param highestSequence  the highest sequence read, or -1 if none
 * @param received         records read, duplicates included
 * @param distinct         distinct sequences read
 * @param duplicates       records whose sequence had been read before
 * @param reordered        records read after a higher sequence in the same partition
 * @param missing          sequences from {@code firstExpected} to {@code highestSequence} not read:
 *                         the estimated loss so far
 * @param partitions       the same figures per partition, ordered by topic and partition
 */
public record SourceFigures(String source, long firstExpected, long highestSequence, long received, long distinct,
        long duplicates, long reordered, long missing, List<PartitionFigures> partitions) {

    public SourceFigures {
        partitions = List.copyOf(partitions);
    }

    /**
     * The loss given how far the producer got: {@code missing} plus the sequences after the
     * highest read, up to {@code nextSequence - 1} (for example {@link AuditStamper#nextSequence()}
     * once it has stopped). Records lost at the end of a stream leave no gap, so only the producer's
     * count reveals them.
     */
    public long missingBelow(long nextSequence) {
        long start = firstExpected < 0 ? 0 : firstExpected;
        long top = Math.max(highestSequence, start - 1);
        return missing + Math.max(0, nextSequence - 1 - top);
    }
}
