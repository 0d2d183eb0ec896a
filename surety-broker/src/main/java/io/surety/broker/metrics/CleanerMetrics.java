package io.surety.broker.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The log cleaner, read at each scrape from the counters it keeps: passes run, bytes removed from
 * compacted logs, and partitions it gave up on (uncleanable until restart — the one to alert on).
 */
final class CleanerMetrics {

    /** The keys of the cleaner's stats map that the series read. */
    static final String PASSES = "passes";
    static final String BYTES_REMOVED = "bytesRemoved";
    static final String UNCLEANABLE = "uncleanable";

    private CleanerMetrics() {
    }

    static void register(PrometheusRegistry registry, Supplier<Map<String, Long>> stats) {
        CounterWithCallback.builder().name("surety_log_cleaner_passes_total")
                .help("Cleaning passes completed over compacted logs")
                .callback(callback -> callback.call(stats.get().getOrDefault(PASSES, 0L))).register(registry);
        CounterWithCallback.builder().name("surety_log_cleaner_bytes_removed_total")
                .help("Bytes compaction removed from compacted logs (segment bytes before minus after each pass)")
                .callback(callback -> callback.call(stats.get().getOrDefault(BYTES_REMOVED, 0L))).register(registry);
        GaugeWithCallback.builder().name("surety_log_cleaner_uncleanable_partitions")
                .help("Compacted partitions whose cleaning failed and stopped until restart (each failure is logged)")
                .callback(callback -> callback.call(stats.get().getOrDefault(UNCLEANABLE, 0L))).register(registry);
    }
}
