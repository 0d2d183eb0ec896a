package io.surety.broker.cleaner;

import io.surety.broker.log.Log;
import io.surety.broker.partition.Partition;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A hosted partition as the cleaner sees it. Thread-safe: every call goes to the partition's published state or takes its lock briefly. */
public record PartitionCompactionTarget(Partition partition) implements CompactionTarget {

    @Override
    public Log log() {
        return partition.log();
    }

    @Override
    public long lastStableOffset() {
        return partition.lastStableOffset();
    }

    @Override
    public List<long[]> abortedTransactions(long from, long to) {
        return partition.abortedTransactions(from, to).stream()
                .map(e -> new long[] {e.producerId(), e.firstOffset(), e.markerOffset()}).toList();
    }

    @Override
    public void forgetAbortedTransactions(List<long[]> markers) {
        partition.forgetAbortedTransactions(markers);
    }

    @Override
    public void swapFailedAfterCommit(IOException failure) {
        partition.storageFailed("cleaner swap", failure);
    }

    @Override
    public Map<Long, Long> producerLastDataOffsets() {
        return partition.producerLastDataOffsets();
    }

    @Override
    public String name() {
        return partition.topicPartition().toString();
    }
}
