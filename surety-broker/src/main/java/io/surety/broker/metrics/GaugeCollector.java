package io.surety.broker.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Gauges read from the broker's state at scrape time, in one pass per scrape: partitions (log
 * size, start and end offsets, high watermark, producer ids, offline count) and consumer groups
 * (lag per group and partition, members per group). Runs on the scrape thread; the suppliers
 * decide how to read state they do not own.
 */
final class GaugeCollector {

    private GaugeCollector() {
    }

    static MultiCollector partitions(Supplier<? extends Collection<PartitionStats>> source) {
        return () -> partitionSnapshots(source.get());
    }

    static MultiCollector groups(Supplier<GroupStats> source) {
        return () -> groupSnapshots(source.get());
    }

    static MetricSnapshots partitionSnapshots(Collection<PartitionStats> partitions) {
        GaugeSnapshot.Builder size = gauge("surety_partition_log_size_bytes", "Bytes in the partition's segment files")
                .unit(Unit.BYTES);
        GaugeSnapshot.Builder start = gauge("surety_partition_log_start_offset", "First offset a consumer can read");
        GaugeSnapshot.Builder end = gauge("surety_partition_log_end_offset", "Offset the next appended record gets");
        GaugeSnapshot.Builder highWatermark = gauge("surety_partition_high_watermark",
                "End of what consumers may read (under flush.policy=fsync, the fsynced end of the log)");
        long producerIds = 0;
        long offline = 0;
        for (PartitionStats p : partitions) {
            Labels labels = Labels.of("topic", p.topic(), "partition", Integer.toString(p.partition()));
            size.dataPoint(point(labels, p.sizeBytes()));
            start.dataPoint(point(labels, p.logStartOffset()));
            end.dataPoint(point(labels, p.logEndOffset()));
            highWatermark.dataPoint(point(labels, p.highWatermark()));
            producerIds += p.producerIds();
            offline += p.offline() ? 1 : 0;
        }
        return MetricSnapshots.of(size.build(), start.build(), end.build(), highWatermark.build(),
                gauge("surety_producer_ids", "Producer ids with idempotence state, summed over partitions")
                        .dataPoint(point(Labels.EMPTY, producerIds)).build(),
                gauge("surety_offline_partitions",
                        "Partitions kept offline: a storage error (until restart) or corruption awaiting an operator")
                        .dataPoint(point(Labels.EMPTY, offline)).build());
    }

    static MetricSnapshots groupSnapshots(GroupStats groups) {
        GaugeSnapshot.Builder lag = gauge("surety_group_lag",
                "High watermark minus the group's committed offset, by group and partition");
        for (GroupStats.Lag l : groups.lags()) {
            lag.dataPoint(point(Labels.of("group", l.group(), "topic", l.topic(), "partition",
                    Integer.toString(l.partition())), l.lag()));
        }
        GaugeSnapshot.Builder members = gauge("surety_group_members", "Members of the group now");
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(groups.members().entrySet());
        sorted.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, Integer> entry : sorted) {
            members.dataPoint(point(Labels.of("group", entry.getKey()), entry.getValue()));
        }
        return MetricSnapshots.of(lag.build(), members.build());
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
