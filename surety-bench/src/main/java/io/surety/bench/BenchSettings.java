package io.surety.bench;

import java.time.Duration;

/**
 * The sizes of one run, the same for every broker. {@code records} is the count of 1 KiB records
 * per produce or consume trial (other record sizes scale it to about the same bytes);
 * {@code warmUpRecords} the records of each warm-up workload; {@code transactions} the small
 * transactions per trial; {@code latencyRecords} the records of the one-at-a-time end-to-end
 * trial; {@code fixedRateSeconds} how long the fixed-rate trial runs. Immutable.
 */
record BenchSettings(long records, long warmUpRecords, int repetitions, long transactions, long latencyRecords,
        int fixedRateSeconds, Duration toolTimeout, double maxOthersShare, int attemptsPerTrial) {

    /** Other processes may use this share of the machine during a trial before it is run again. */
    static final double MAX_OTHERS_SHARE = 0.05;

    static BenchSettings quick() {
        return new BenchSettings(100_000, 300_000, 3, 300, 2_000, 5, Duration.ofMinutes(3), MAX_OTHERS_SHARE, 3);
    }

    static BenchSettings full() {
        return new BenchSettings(300_000, 1_000_000, 3, 1_000, 10_000, 15, Duration.ofMinutes(10), MAX_OTHERS_SHARE, 3);
    }

    BenchSettings withRecords(long count) {
        return new BenchSettings(count, warmUpRecords, repetitions, transactions, latencyRecords, fixedRateSeconds,
                toolTimeout, maxOthersShare, attemptsPerTrial);
    }

    BenchSettings withWarmUpRecords(long count) {
        return new BenchSettings(records, count, repetitions, transactions, latencyRecords, fixedRateSeconds,
                toolTimeout, maxOthersShare, attemptsPerTrial);
    }

    BenchSettings withRepetitions(int count) {
        return new BenchSettings(records, warmUpRecords, count, transactions, latencyRecords, fixedRateSeconds,
                toolTimeout, maxOthersShare, attemptsPerTrial);
    }
}
