package io.surety.broker.cleaner;

import io.surety.broker.log.Log;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * What the cleaner needs of a partition: its log, how far its transactions are decided, its
 * aborted transactions and its producers' last batches. A partition provides it
 * ({@link PartitionCompactionTarget}); tests provide a log on its own.
 */
public interface CompactionTarget {

    Log log();

    /** No transaction is open below this offset; the cleaner never goes past it. */
    long lastStableOffset();

    /** Aborted transactions whose data lies in [{@code from}, {@code to}): {producer id, first offset, marker offset}. */
    List<long[]> abortedTransactions(long from, long to);

    /**
     * Forgets the aborted transactions whose ABORT markers a cleaning swap removed, each given as
     * {producer id, marker offset}. Called by {@link Log#replaceSegments} at the moment the cleaned
     * segment becomes visible, under the log's structure lock; must be quick and must not block.
     */
    void forgetAbortedTransactions(List<long[]> markers);

    /**
     * A swap failed after its commit point: the log's files and its segments in memory disagree
     * until a restart. The partition goes offline (KAFKA_STORAGE_ERROR).
     */
    void swapFailedAfterCommit(IOException failure);

    /** The last data offset of each producer with state in the partition (those batches are kept). */
    Map<Long, Long> producerLastDataOffsets();

    /** A name for log lines. */
    String name();
}
