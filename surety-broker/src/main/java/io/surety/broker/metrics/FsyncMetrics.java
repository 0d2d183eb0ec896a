package io.surety.broker.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * Group commit: {@code surety_fsync_latency_seconds} (one observation per partition fsync) and
 * {@code surety_fsync_batch_size} (appends that one fsync made durable: the group-commit batch
 * size; 1 means every append paid for its own fsync). Thread-safe, lock-free.
 */
public final class FsyncMetrics {

    private static final double[] LATENCY_BUCKETS_SECONDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
        0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
    private static final double[] BATCH_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

    private final Histogram latency;
    private final Histogram batchSize;

    FsyncMetrics(PrometheusRegistry registry) {
        latency = Histogram.builder().name("surety_fsync_latency_seconds").unit(Unit.SECONDS)
                .help("Time one partition fsync took").classicOnly().classicUpperBounds(LATENCY_BUCKETS_SECONDS)
                .withoutExemplars().register(registry);
        batchSize = Histogram.builder().name("surety_fsync_batch_size")
                .help("Appends made durable by one fsync (group-commit batch size)").classicOnly()
                .classicUpperBounds(BATCH_BUCKETS).withoutExemplars().register(registry);
    }

    /** One fsync of {@code durationNs} that made {@code appends} waiting appends durable. */
    public void fsynced(long durationNs, int appends) {
        latency.observe(Unit.nanosToSeconds(durationNs));
        batchSize.observe(appends);
    }

    /** One periodic fsync (flush.policy=interval), which no append waited for. */
    public void fsynced(long durationNs) {
        latency.observe(Unit.nanosToSeconds(durationNs));
    }
}
