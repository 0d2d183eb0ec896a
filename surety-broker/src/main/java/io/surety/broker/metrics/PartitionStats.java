package io.surety.broker.metrics;

/** What a scrape reports about one partition; read from the partition at scrape time. */
public record PartitionStats(String topic, int partition, long logStartOffset, long logEndOffset, long highWatermark,
        long sizeBytes, int producerIds, boolean offline) {
}
