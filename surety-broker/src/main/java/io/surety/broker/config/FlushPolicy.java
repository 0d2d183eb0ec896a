package io.surety.broker.config;

/** When appended data is forced to disk. */
public enum FlushPolicy {
    /** Group-commit fsync before acknowledging (acks=1/all) and before data becomes visible to consumers. */
    FSYNC,
    /** Kafka's default: the page cache holds data; fsync on segment roll and every log.flush.interval.ms. */
    INTERVAL
}
