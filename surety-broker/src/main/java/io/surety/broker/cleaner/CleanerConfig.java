package io.surety.broker.cleaner;

import io.surety.broker.config.BrokerConfig;

/**
 * The log cleaner's settings, Kafka's {@code log.cleaner.*} keys: threads, the memory of the key
 * maps (shared evenly by the threads), how full a map may get, the I/O rate of all threads
 * together, and the wait when no log needs cleaning.
 */
public record CleanerConfig(int threads, long dedupeBufferBytes, double loadFactor, double ioMaxBytesPerSecond,
        long backoffMs) {

    public static CleanerConfig of(BrokerConfig broker) {
        return new CleanerConfig(broker.cleanerThreads(), broker.cleanerDedupeBufferSize(),
                broker.cleanerIoBufferLoadFactor(), broker.cleanerIoMaxBytesPerSecond(), broker.cleanerBackoffMs());
    }

    long mapBytesPerThread() {
        return dedupeBufferBytes / threads;
    }
}
