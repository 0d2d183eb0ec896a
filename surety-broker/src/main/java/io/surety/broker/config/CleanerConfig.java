package io.surety.broker.config;

/**
 * The log cleaner's settings, Kafka's {@code log.cleaner.*} keys: whether it runs, its threads,
 * the memory of the key maps (shared evenly by the threads), how full a map may get, the I/O rate
 * of all threads together, the wait when no log needs cleaning, and the broker-level defaults of
 * the topics' compaction settings. Immutable.
 *
 * @param enabled {@code log.cleaner.enable}: run the cleaner
 * @param threads {@code log.cleaner.threads}: each cleans one log at a time
 * @param dedupeBufferBytes {@code log.cleaner.dedupe.buffer.size}: key-map memory of all threads together
 * @param loadFactor {@code log.cleaner.io.buffer.load.factor}: how full a key map may get
 * @param ioMaxBytesPerSecond {@code log.cleaner.io.max.bytes.per.second}: read and write rate of all threads
 * @param backoffMs {@code log.cleaner.backoff.ms}: wait when no log needs cleaning
 * @param minCleanableRatio {@code log.cleaner.min.cleanable.ratio}: default min.cleanable.dirty.ratio
 * @param deleteRetentionMs {@code log.cleaner.delete.retention.ms}: default delete.retention.ms
 * @param minCompactionLagMs {@code log.cleaner.min.compaction.lag.ms}: default min.compaction.lag.ms
 * @param maxCompactionLagMs {@code log.cleaner.max.compaction.lag.ms}: default max.compaction.lag.ms
 */
public record CleanerConfig(
        boolean enabled,
        int threads,
        long dedupeBufferBytes,
        double loadFactor,
        double ioMaxBytesPerSecond,
        long backoffMs,
        double minCleanableRatio,
        long deleteRetentionMs,
        long minCompactionLagMs,
        long maxCompactionLagMs) {

    static CleanerConfig from(ParsedSettings values) {
        return new CleanerConfig(
                values.booleanValue(BrokerConfig.LOG_CLEANER_ENABLE),
                values.intValue(BrokerConfig.LOG_CLEANER_THREADS),
                values.longValue(BrokerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE),
                values.doubleValue(BrokerConfig.LOG_CLEANER_IO_BUFFER_LOAD_FACTOR),
                values.doubleValue(BrokerConfig.LOG_CLEANER_IO_MAX_BYTES_PER_SECOND),
                values.longValue(BrokerConfig.LOG_CLEANER_BACKOFF_MS),
                values.doubleValue(BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO),
                values.longValue(BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS),
                values.longValue(BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS),
                values.longValue(BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS));
    }

    /** The key-map memory of one thread: the dedupe buffer shared evenly. */
    public long mapBytesPerThread() {
        return dedupeBufferBytes / threads;
    }
}
