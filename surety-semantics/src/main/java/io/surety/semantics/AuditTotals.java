package io.surety.semantics;

/**
 * The audit's running totals over all sources and partitions.
 *
 * @param received   stamped records read, duplicates included
 * @param duplicates records whose source and sequence had been read before
 * @param reordered  records read after a higher sequence of their source in the same partition
 * @param missing    sequence numbers not (yet) read between each source's first expected and its
 *                   highest read: the estimated loss
 * @param unstamped  records without the audit headers
 * @param malformed  records whose audit headers could not be read
 */
public record AuditTotals(long received, long duplicates, long reordered, long missing, long unstamped,
        long malformed) {
}
