package io.surety.broker;

import io.surety.broker.coordinator.GroupCoordinator;
import io.surety.broker.coordinator.GroupsSnapshot;
import io.surety.broker.metrics.GroupStats;
import io.surety.broker.metrics.PartitionStats;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the broker's state for the metrics scrape, each piece from its owner: partition offsets
 * and sizes from the partitions' published (volatile) fields, group offsets by asking the group
 * coordinator's thread for a copy. Runs on the scrape thread. Stateless.
 */
final class BrokerGauges {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerGauges.class);
    private static final long GROUP_SNAPSHOT_TIMEOUT_MS = 5_000;

    private BrokerGauges() {
    }

    static List<PartitionStats> partitions(PartitionRegistry registry) {
        List<PartitionStats> stats = new ArrayList<>();
        for (Partition p : registry.all()) {
            TopicPartition tp = p.topicPartition();
            stats.add(new PartitionStats(tp.topic(), tp.partition(), p.logStartOffset(), p.logEndOffset(),
                    p.highWatermark(), p.sizeInBytes(), p.producerIdCount(), p.isOffline()));
        }
        return stats;
    }

    /** The groups' lag and members now; empty (and logged at DEBUG) if the coordinator does not answer in time. */
    static GroupStats groups(GroupCoordinator coordinator, PartitionRegistry partitions) {
        GroupsSnapshot snapshot;
        try {
            snapshot = coordinator.snapshot().get(GROUP_SNAPSHOT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return GroupStats.EMPTY;
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("No group metrics in this scrape: the group coordinator did not answer ({})", e.toString());
            return GroupStats.EMPTY;
        }
        return stats(snapshot, tp -> {
            Partition partition = partitions.get(tp);
            return partition == null ? -1 : partition.highWatermark();
        });
    }

    /**
     * Lag of each committed offset: the partition's high watermark minus the offset, at least 0.
     * Offsets of partitions that no longer exist ({@code highWatermarks} gives -1) are left out.
     */
    static GroupStats stats(GroupsSnapshot snapshot, ToLongFunction<TopicPartition> highWatermarks) {
        List<GroupStats.Lag> lags = new ArrayList<>();
        for (GroupsSnapshot.Committed committed : snapshot.offsets()) {
            long highWatermark = highWatermarks.applyAsLong(committed.partition());
            if (highWatermark >= 0) {
                lags.add(new GroupStats.Lag(committed.group(), committed.partition().topic(),
                        committed.partition().partition(), committed.offset(),
                        Math.max(0, highWatermark - committed.offset())));
            }
        }
        return new GroupStats(lags, snapshot.members());
    }
}
