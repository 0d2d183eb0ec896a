package io.surety.bench;

import java.time.Duration;

/** The parameters every broker is measured with in one run. Immutable. */
record BenchSettings(long records, int recordSize, int partitions, long latencyRecords, Duration toolTimeout,
        String brokerHeap) {

    static BenchSettings quick() {
        return new BenchSettings(200_000, 1024, 3, 2_000, Duration.ofMinutes(2), "1g");
    }

    static BenchSettings full() {
        return new BenchSettings(1_000_000, 1024, 3, 10_000, Duration.ofMinutes(10), "1g");
    }
}
